package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import java.util.Arrays;

/** Transpose: a strided copy whose source strides are the input's strides permuted by {@code perm}. */
public final class TransposeKernel implements Kernel {
    private final long[] perm;
    private final CpuExecution execution;

    public TransposeKernel(KernelRequest request, CpuExecution execution) {
        this.perm = request.node().getInts("perm", null);
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        int rank = x.rank();
        int[] p = permutation(rank);
        int[] inDims = Args.slotDims(x);
        int[] inStrides = StridedCopy.contiguousStrides(inDims);
        int slots = inDims.length;
        int[] outDims = new int[slots];
        int[] srcStrides = new int[slots];
        for (int i = 0; i < rank; i++) {
            outDims[i] = inDims[p[i]];
            srcStrides[i] = inStrides[p[i]];
        }
        if (slots > rank) {
            outDims[rank] = 2;
            srcStrides[rank] = 1;
        }
        long[] shape = new long[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = outDims[i];
        }
        // a permutation writes every element once: no clearing pass first
        Tensor y = ctx.allocateUninitialized(x.dtype(), Shape.of(shape));
        StridedCopy.copy(x.data(), 0, srcStrides, y.data(), 0, outDims, execution);
        ctx.setOutput(0, y);
    }

    private int[] permutation(int rank) {
        int[] p = new int[rank];
        if (perm == null) {
            for (int i = 0; i < rank; i++) {
                p[i] = rank - 1 - i;
            }
            return p;
        }
        if (perm.length != rank) {
            throw new InvalidInputException("attribute 'perm' " + Arrays.toString(perm) + ": expected " + rank
                    + " entries for an input of rank " + rank);
        }
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            int a = Args.axis(perm[i], rank, "attribute 'perm'");
            if (seen[a]) {
                throw new InvalidInputException("attribute 'perm' " + Arrays.toString(perm) + ": axis " + a + " appears twice");
            }
            seen[a] = true;
            p[i] = a;
        }
        return p;
    }
}
