package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Broadcast;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.simd.Simd;
import dev.kiln.backend.cpu.simd.SimdAttention;

/**
 * {@code dev.kiln::MultiHeadAttention(q, k, v, mask?)}: scaled dot-product attention over heads packed in
 * the last axis, {@code softmax(scale * Q K^T + mask) V} for each batch and head, as the runtime's
 * attention fusion finds it in BERT-style exports (float32, or float64 by a plain loop). q is [B, Sq, H*D], k and v are [B, Sk, H*D]; the
 * optional float32 additive mask broadcasts to [B, H, Sq, Sk]; the output is [B, Sq, H*D]. Attributes:
 * {@code num_heads} (H), {@code scale}.
 *
 * <p>Each (batch, head, block of query rows) is one task, computed by {@link SimdAttention} when the SIMD
 * kernels are on ({@link Simd#enabled()}), else by {@link AttentionBlock} in plain vectorizable Java (no BLAS
 * calls either way: these products are small); float64 takes a direct loop.
 */
final class FusedAttentionKernel implements Kernel {
    static final String OP = "MultiHeadAttention";
    private final CpuExecution execution;
    private final int heads;
    private final float scale;

    FusedAttentionKernel(KernelRequest request, CpuExecution execution) {
        this.execution = execution;
        this.heads = (int) request.node().getInt("num_heads", 0);
        this.scale = request.node().getFloat("scale", Float.NaN);
        if (heads < 1 || Float.isNaN(scale)) {
            throw new UnsupportedOpException(OP, request.node().domain(), request.opsetVersion(),
                    "attributes num_heads (>= 1) and scale are required, got num_heads=" + heads + " scale=" + scale);
        }
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor q = ctx.tensor(0);
        Tensor k = ctx.tensor(1);
        Tensor v = ctx.tensor(2);
        for (Tensor t : new Tensor[] {q, k, v}) {
            if ((t.dtype() != DType.FLOAT && t.dtype() != DType.DOUBLE) || t.dtype() != q.dtype() || t.rank() != 3) {
                throw new InvalidInputException(OP + ": q, k and v must be float32 or float64 [batch, sequence, heads*head_size], got "
                        + q.describe() + ", " + k.describe() + ", " + v.describe());
            }
        }
        int batch = (int) q.dims()[0];
        int sq = (int) q.dims()[1];
        int width = (int) q.dims()[2];
        int sk = (int) k.dims()[1];
        if (width % heads != 0 || k.dims()[0] != batch || v.dims()[0] != batch || k.dims()[2] != width || v.dims()[2] != width
                || v.dims()[1] != sk) {
            throw new InvalidInputException(OP + ": inconsistent shapes q " + q.describe() + ", k " + k.describe() + ", v " + v.describe()
                    + " for " + heads + " heads");
        }
        int d = width / heads;
        MaskView mask = ctx.hasInput(3) ? MaskView.of(ctx.tensor(3), q.dtype(), batch, heads, sq, sk) : null;
        Tensor y = ctx.allocate(q.dtype(), Shape.of(batch, sq, width));
        if (q.dtype() == DType.DOUBLE) {
            // float64 graphs (gradient checks) are small: a direct loop, no BLAS
            execution.parallelForEach(batch * heads, 4L * sq * sk * d, task -> attendDoubles(q.doubleData(), k.doubleData(), v.doubleData(),
                    y.doubleData(), mask, task / heads, task % heads, sq, sk, d, width));
            ctx.setOutput(0, y);
            return;
        }
        float[] qa = q.floatData();
        float[] ka = k.floatData();
        float[] va = v.floatData();
        float[] out = y.floatData();
        attendFloats(execution, Simd.enabled(), qa, ka, va, out, scale, mask, batch, heads, sq, sk, d);
        ctx.setOutput(0, y);
    }

    /**
     * The float32 attention over all (batch, head, query block) tasks: on {@link SimdAttention} when {@code simd}
     * (only if {@link Simd#enabled()}), else on the plain-Java {@link AttentionBlock}. Package-private so tests
     * and benchmarks run either path in one JVM.
     */
    static void attendFloats(CpuExecution execution, boolean simd, float[] qa, float[] ka, float[] va, float[] out, float scale,
                             MaskView mask, int batch, int heads, int sq, int sk, int d) {
        int width = heads * d;
        int rows = AttentionBlock.blockRows(sq, sk);
        int blocks = (sq + rows - 1) / rows;
        int tasks = batch * heads * blocks;
        long cost = 4L * rows * sk * d;
        // the SIMD tiles finish a small attention (MiniLM at 1 x 32: 1.6 MFLOP) in less time than a hand-off takes,
        // so it splits only where a product of that many operations would (the plain path always splits)
        CpuExecution where = simd && (execution == null || !execution.splits(tasks * cost)) ? null : execution;
        java.util.function.IntConsumer body = task -> {
            int block = task % blocks;
            int bh = task / blocks;
            int b = bh / heads;
            int h = bh % heads;
            int i0 = block * rows;
            int n = Math.min(rows, sq - i0);
            if (simd) {
                int qBase = (b * sq + i0) * width + h * d;
                int kvBase = b * sk * width + h * d;
                if (mask == null) {
                    SimdAttention.attend(qa, qBase, width, ka, kvBase, width, va, kvBase, width, out, qBase, width, scale, null, 0, 0, 0,
                            n, sk, d);
                } else {
                    SimdAttention.attend(qa, qBase, width, ka, kvBase, width, va, kvBase, width, out, qBase, width, scale, mask.data(),
                            mask.offset(b, h, i0), (int) mask.strides()[2], (int) mask.strides()[3], n, sk, d);
                }
            } else {
                AttentionBlock.attend(qa, ka, va, out, scale, mask, b, h, i0, n, sq, sk, d, width);
            }
        };
        if (where == null) {
            for (int task = 0; task < tasks; task++) {
                body.accept(task);
            }
        } else {
            where.parallelForEach(tasks, cost, body);
        }
    }

    private void attendDoubles(double[] q, double[] k, double[] v, double[] out, MaskView mask, int b, int h, int sq, int sk, int d,
                               int width) {
        double[] p = new double[sk];
        for (int i = 0; i < sq; i++) {
            int qRow = (b * sq + i) * width + h * d;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < sk; j++) {
                int kRow = (b * sk + j) * width + h * d;
                double dot = 0;
                for (int c = 0; c < d; c++) {
                    dot += q[qRow + c] * k[kRow + c];
                }
                p[j] = scale * dot + (mask == null ? 0 : mask.at(b, h, i, j));
                max = Math.max(max, p[j]);
            }
            double sum = 0;
            for (int j = 0; j < sk; j++) {
                p[j] = Math.exp(p[j] - max);
                sum += p[j];
            }
            for (int c = 0; c < d; c++) {
                double acc = 0;
                for (int j = 0; j < sk; j++) {
                    acc += p[j] * v[(b * sk + j) * width + h * d + c];
                }
                out[qRow + c] = acc / sum;
            }
        }
    }

    /** An additive mask broadcast to [B, H, Sq, Sk], read through strides (0 along broadcast axes). */
    record MaskView(Tensor tensor, float[] data, long[] strides) {
        static MaskView of(Tensor m, DType type, int batch, int heads, int sq, int sk) {
            if (m.dtype() != type || m.rank() > 4) {
                throw new InvalidInputException(OP + ": the mask must be " + type + " like q, of rank at most 4, got " + m.describe());
            }
            long[] target = {batch, heads, sq, sk};
            long[] dims = m.dims();
            try {
                long[] b = Broadcast.shape(dims, target);
                if (!java.util.Arrays.equals(b, target)) {
                    throw new IllegalArgumentException("broadcasts to " + java.util.Arrays.toString(b));
                }
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(OP + ": mask " + m.describe() + " does not broadcast to " + Shape.of(target) + ": " + e.getMessage());
            }
            return new MaskView(m, type == DType.FLOAT ? m.floatData() : null, Broadcast.stridesFor(dims, target));
        }

        double at(int b, int h, int i, int j) {
            return tensor.getDouble((int) (b * strides[0] + h * strides[1] + i * strides[2] + j * strides[3]));
        }

        float floatAt(int b, int h, int i, int j) {
            return data[offset(b, h, i) + (int) (j * strides[3])];
        }

        /** Index of the float32 entry [b, h, i, 0]. */
        int offset(int b, int h, int i) {
            return (int) (b * strides[0] + h * strides[1] + i * strides[2]);
        }

        /** How far apart the mask entries of consecutive query rows are (0 when broadcast along queries). */
        long strideAlongQuery() {
            return strides[2];
        }

        /** {@code row[i] = row[i] * scale + mask[b, h, i0 + i, j]} for i in [0, n): one key's scores for a block of queries. */
        void addColumn(float[] row, int n, float scale, int b, int h, int i0, int j) {
            int base = (int) (b * strides[0] + h * strides[1] + i0 * strides[2] + j * strides[3]);
            int step = (int) strides[2];
            for (int i = 0; i < n; i++) {
                row[i] = row[i] * scale + data[base + i * step];
            }
        }
    }
}
