package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Einsum. Each operand first loses its diagonals and the labels nobody else needs (summed out); operands
 * are then contracted left to right, each pair as a batched GEMM over [batch, m, k] x [batch, k, n]
 * (OpenBLAS dgemm for floating types, a direct loop for integers), and the last result is permuted to
 * the output order. Floating types compute in float64, integers in int64 with wrap-around.
 */
final class EinsumKernel implements Kernel {
    private final String equation;

    EinsumKernel(KernelRequest request) {
        if (!request.node().hasAttribute("equation")) {
            throw new UnsupportedOpException("Einsum", "", request.opsetVersion(), "attribute 'equation' is required");
        }
        this.equation = request.node().getString("equation", "");
    }

    @Override
    public void execute(KernelContext ctx) {
        int count = ctx.inputCount();
        Tensor[] in = new Tensor[count];
        int[] ranks = new int[count];
        for (int i = 0; i < count; i++) {
            in[i] = ctx.tensor(i);
            ranks[i] = in[i].rank();
            if (in[i].dtype() != in[0].dtype()) {
                throw new InvalidInputException("Einsum: all inputs must share one element type, got " + in[0].describe()
                        + " and " + in[i].describe() + " (input " + i + ")");
            }
        }
        DType type = in[0].dtype();
        boolean integer = type.isInteger();
        if (!integer && type != DType.FLOAT && type != DType.DOUBLE && type != DType.FLOAT16 && type != DType.BFLOAT16) {
            throw new UnsupportedOpException("Einsum", "", ctx.opsetVersion(), "element type " + type + " is not numeric");
        }
        EinsumEquation eq = EinsumEquation.parse(equation, ranks);
        int[] sizes = labelSizes(eq, in);
        List<EinsumOperand> ops = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            EinsumOperand op = new EinsumOperand(eq.inputs[i], in[i].shape().intDims(), integer ? in[i].toLongArray() : null,
                    integer ? null : TensorArrays.doubles(in[i]));
            ops.add(op.reduceTo(keptLabels(eq, i, op.labels), sizes));
        }
        EinsumOperand acc = ops.get(0);
        for (int i = 1; i < count; i++) {
            boolean[] later = new boolean[sizes.length];
            for (int l : eq.output) {
                later[l] = true;
            }
            for (int j = i + 1; j < count; j++) {
                for (int l : ops.get(j).labels) {
                    later[l] = true;
                }
            }
            acc = acc.contract(ops.get(i), later, sizes);
        }
        EinsumOperand result = acc.reduceTo(eq.output, sizes);
        long[] outDims = new long[eq.output.length];
        for (int i = 0; i < outDims.length; i++) {
            outDims[i] = sizes[eq.output[i]];
        }
        Tensor y = ctx.allocate(type, Shape.of(outDims));
        if (integer) {
            storeLongs(result.longs, y);
        } else {
            TensorArrays.store(result.doubles, y);
        }
        ctx.setOutput(0, y);
    }

    /** Size of each label; a size-1 ellipsis dimension broadcasts against a larger one. */
    private int[] labelSizes(EinsumEquation eq, Tensor[] in) {
        int[] sizes = new int[eq.labelSpace()];
        Arrays.fill(sizes, -1);
        for (int i = 0; i < in.length; i++) {
            for (int d = 0; d < eq.inputs[i].length; d++) {
                int l = eq.inputs[i][d];
                int size = (int) in[i].dim(d);
                if (sizes[l] == -1 || sizes[l] == 1) {
                    sizes[l] = size;
                } else if (size != sizes[l] && size != 1) {
                    throw new InvalidInputException("Einsum: dimension " + d + " of input " + i + " " + in[i].describe()
                            + " has size " + size + " but the same label elsewhere in '" + equation + "' has size " + sizes[l]);
                }
            }
        }
        return sizes;
    }

    /** The labels of operand {@code i} that the output or another operand uses, each once. */
    private static int[] keptLabels(EinsumEquation eq, int i, int[] labels) {
        List<Integer> kept = new ArrayList<>();
        for (int l : labels) {
            if (kept.contains(l)) {
                continue;
            }
            boolean used = contains(eq.output, l);
            for (int j = 0; j < eq.inputs.length && !used; j++) {
                used = j != i && contains(eq.inputs[j], l);
            }
            if (used) {
                kept.add(l);
            }
        }
        return kept.stream().mapToInt(Integer::intValue).toArray();
    }

    static boolean contains(int[] labels, int l) {
        for (int x : labels) {
            if (x == l) {
                return true;
            }
        }
        return false;
    }

    private static void storeLongs(long[] src, Tensor dst) {
        switch (dst.dtype().storage()) {
            case BYTE -> {
                byte[] d = dst.byteData();
                for (int i = 0; i < src.length; i++) {
                    d[i] = (byte) src[i];
                }
            }
            case SHORT -> {
                short[] d = dst.shortData();
                for (int i = 0; i < src.length; i++) {
                    d[i] = (short) src[i];
                }
            }
            case INT -> {
                int[] d = dst.intData();
                for (int i = 0; i < src.length; i++) {
                    d[i] = (int) src[i];
                }
            }
            case LONG -> System.arraycopy(src, 0, dst.longData(), 0, src.length);
            default -> throw new IllegalStateException("not an integer tensor: " + dst.describe());
        }
    }
}
