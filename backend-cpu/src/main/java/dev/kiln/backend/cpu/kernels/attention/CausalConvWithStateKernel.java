package dev.kiln.backend.cpu.kernels.attention;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;

/**
 * CausalConvWithState (27): depthwise causal 1D convolution over {@code (batch, channels, length)} with
 * a carried state. Each channel's sequence is prefixed by its {@code k - 1} state values (past_state, or
 * zeros), then {@code out[t] = bias + sum_i w[i] * seq[t + i]}, optionally followed by SiLU;
 * present_state is the last {@code k - 1} values of the prefixed sequence. Immutable; thread-safe.
 */
final class CausalConvWithStateKernel implements Kernel {
    private static final String OP = "CausalConvWithState";
    private final boolean silu;
    private final CpuExecution execution;

    CausalConvWithStateKernel(KernelRequest request, CpuExecution execution) {
        String activation = request.node().getString("activation", "none");
        this.silu = activation.equals("silu") || activation.equals("swish");
        if (!silu && !activation.equals("none")) {
            throw new UnsupportedOpException(OP, "", request.opsetVersion(), "attribute 'activation' is '" + activation
                    + "'; expected 'silu', 'swish' or 'none'");
        }
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        Tensor w = ctx.tensor(1);
        Precision.of(OP, ctx.opsetVersion(), "input 'input'", x.dtype());
        if (x.rank() != 3 || w.rank() != 3 || w.dim(0) != x.dim(1) || w.dim(1) != 1 || w.dim(2) < 1) {
            throw new InvalidInputException(OP + ": expected input (batch, channels, length) and weight (channels, 1, k), got "
                    + x.describe() + " and " + w.describe());
        }
        int batch = (int) x.dim(0);
        int channels = (int) x.dim(1);
        int length = (int) x.dim(2);
        int k = (int) w.dim(2);
        int carry = k - 1;
        Tensor biasT = ctx.hasInput(2) ? ctx.tensor(2) : null;
        Tensor pastT = ctx.hasInput(3) ? ctx.tensor(3) : null;
        if (biasT != null && !biasT.shape().equals(Shape.of(channels))) {
            throw new InvalidInputException(OP + ": input 'bias': expected [" + channels + "], got " + biasT.describe());
        }
        Shape stateShape = Shape.of(batch, channels, carry);
        if (pastT != null && !pastT.shape().equals(stateShape)) {
            throw new InvalidInputException(OP + ": input 'past_state': expected " + stateShape + ", got " + pastT.describe());
        }
        double[] in = TensorArrays.doubles(x);
        double[] weight = TensorArrays.doubles(w);
        double[] bias = biasT == null ? null : TensorArrays.doubles(biasT);
        double[] past = pastT == null ? null : TensorArrays.doubles(pastT);
        double[] out = new double[in.length];
        double[] present = new double[batch * channels * carry];
        int span = carry + length;
        execution.parallelFor(batch * channels, (long) length * k, (start, end) -> {
            double[] seq = new double[span];
            for (int bc = start; bc < end; bc++) {
                int c = bc % channels;
                if (past != null) {
                    System.arraycopy(past, bc * carry, seq, 0, carry);
                } else {
                    java.util.Arrays.fill(seq, 0, carry, 0.0);
                }
                System.arraycopy(in, bc * length, seq, carry, length);
                for (int t = 0; t < length; t++) {
                    double acc = bias == null ? 0 : bias[c];
                    for (int i = 0; i < k; i++) {
                        acc += weight[c * k + i] * seq[t + i];
                    }
                    out[bc * length + t] = silu ? Swish.apply(1, acc) : acc;
                }
                System.arraycopy(seq, span - carry, present, bc * carry, carry);
            }
        });
        Tensor y = ctx.allocate(x.dtype(), x.shape());
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
        if (ctx.outputCount() > 1 && ctx.isOutputRequested(1)) {
            Tensor state = ctx.allocate(x.dtype(), stateShape);
            TensorArrays.store(present, state);
            ctx.setOutput(1, state);
        }
    }
}
