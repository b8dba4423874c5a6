package dev.kiln.backend.cpu.kernels.attention;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;

/**
 * RotaryEmbedding (23): rotates the first {@code rotary_embedding_dim} features of each head by the
 * angle of its token's position, pairing the two halves of that range, or neighbouring features when
 * interleaved: {@code (x1, x2) -> (cos x1 - sin x2, sin x1 + cos x2)}. The cos/sin rows come from
 * {@code position_ids} into 2D caches, or directly from 3D {@code (batch, sequence, dim/2)} caches.
 * Input 4D {@code (batch, heads, sequence, head)} or 3D {@code (batch, sequence, heads*head)} with the
 * {@code num_heads} attribute. Immutable; thread-safe.
 */
final class RotaryEmbeddingKernel implements Kernel {
    private final boolean interleaved;
    private final int numHeads;
    private final int rotaryDim;
    private final CpuExecution execution;

    RotaryEmbeddingKernel(KernelRequest request, CpuExecution execution) {
        this.interleaved = request.node().getInt("interleaved", 0) != 0;
        this.numHeads = (int) request.node().getInt("num_heads", 0);
        this.rotaryDim = (int) request.node().getInt("rotary_embedding_dim", 0);
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        Precision.of("RotaryEmbedding", ctx.opsetVersion(), "input 'X'", x.dtype());
        HeadLayout layout = HeadLayout.of("X", x, numHeads);
        int batch = layout.batch();
        int heads = layout.heads();
        int seq = layout.length();
        int head = layout.size();
        int dim = rotaryDim == 0 ? head : rotaryDim;
        int half = dim / 2;
        if (dim % 2 != 0 || dim > head) {
            throw new InvalidInputException("RotaryEmbedding: rotary_embedding_dim " + dim + " must be even and at most the head size " + head);
        }
        Tensor cosT = ctx.tensor(1);
        Tensor sinT = ctx.tensor(2);
        long[] positions = ctx.hasInput(3) ? ctx.tensor(3).toLongArray() : null;
        checkCache("cos_cache", cosT, positions != null, batch, seq, half);
        checkCache("sin_cache", sinT, positions != null, batch, seq, half);
        float[] cos = TensorArrays.floats(cosT);
        float[] sin = TensorArrays.floats(sinT);
        long cacheRows = positions == null ? (long) batch * seq : cosT.dim(0);
        double[] in = TensorArrays.doubles(x);
        double[] out = in.clone();
        boolean packed = layout.packed();
        execution.parallelFor(batch * seq, (long) heads * dim, (start, end) -> {
            for (int bs = start; bs < end; bs++) {
                int b = bs / seq;
                int s = bs % seq;
                long row = positions == null ? bs : positions[bs];
                if (row < 0 || row >= cacheRows) {
                    throw new InvalidInputException("RotaryEmbedding: position_ids[" + b + "," + s + "] = " + row + " is outside the caches' "
                            + cacheRows + " rows");
                }
                int c = (int) row * half;
                for (int h = 0; h < heads; h++) {
                    int base = packed ? (bs * heads + h) * head : ((b * heads + h) * seq + s) * head;
                    for (int i = 0; i < half; i++) {
                        int i1 = base + (interleaved ? 2 * i : i);
                        int i2 = base + (interleaved ? 2 * i + 1 : i + half);
                        double x1 = in[i1];
                        double x2 = in[i2];
                        out[i1] = cos[c + i] * x1 - sin[c + i] * x2;
                        out[i2] = sin[c + i] * x1 + cos[c + i] * x2;
                    }
                }
            }
        });
        Tensor y = ctx.allocate(x.dtype(), x.shape());
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
    }

    private static void checkCache(String name, Tensor cache, boolean byPosition, int batch, int seq, int half) {
        long[] d = cache.dims();
        boolean ok = byPosition ? d.length == 2 && d[1] == half : d.length == 3 && d[0] == batch && d[1] == seq && d[2] == half;
        if (!ok) {
            throw new InvalidInputException("input '" + name + "': expected " + (byPosition ? "[positions, " + half + "]"
                    : "[" + batch + ", " + seq + ", " + half + "]") + ", got " + cache.describe());
        }
    }
}
