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
import dev.kiln.backend.cpu.util.FloatMath;

/**
 * {@code dev.kiln::MultiHeadAttention(q, k, v, mask?)}: scaled dot-product attention over heads packed in
 * the last axis, {@code softmax(scale * Q K^T + mask) V} for each batch and head, as the runtime's
 * attention fusion finds it in BERT-style exports (float32, or float64 by a plain loop). q is [B, Sq, H*D], k and v are [B, Sk, H*D]; the
 * optional float32 additive mask broadcasts to [B, H, Sq, Sk]; the output is [B, Sq, H*D]. Attributes:
 * {@code num_heads} (H), {@code scale}.
 *
 * <p>Each (batch, head) pair is one task: its Q, K and V are strided views of the packed inputs
 * (row stride H*D), so no transposes are materialized; the Sq x Sk scores stay in a per-thread buffer,
 * and the product with V is written straight into the packed output.
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
        long cost = 4L * sq * sk * d;
        execution.parallelFor(batch * heads, cost, (start, end) -> {
            float[] scores = new float[sq * sk];
            float[] qh = new float[sq * d];
            float[] kh = new float[sk * d];
            float[] vh = new float[sk * d];
            float[] oh = new float[sq * d];
            float[] t = new float[sk];
            float[] e = new float[sk];
            for (int task = start; task < end; task++) {
                int b = task / heads;
                int h = task % heads;
                int qOff = b * sq * width + h * d;
                int kvOff = b * sk * width + h * d;
                // gather this head's rows compactly: BLAS would otherwise stage the whole strided span per head
                gather(qa, qOff, width, qh, sq, d);
                gather(ka, kvOff, width, kh, sk, d);
                gather(va, kvOff, width, vh, sk, d);
                Blas.sgemm(null, false, true, sq, sk, d, scale, Blas.Floats.of(qh, 0, d), Blas.Floats.of(kh, 0, d), scores, 0, sk);
                for (int i = 0; i < sq; i++) {
                    softmaxRow(scores, i * sk, sk, mask, b, h, i, t, e);
                }
                Blas.sgemm(null, false, false, sq, d, sk, 1f, Blas.Floats.of(scores, 0, sk), Blas.Floats.of(vh, 0, d), oh, 0, d);
                for (int i = 0; i < sq; i++) {
                    System.arraycopy(oh, i * d, out, qOff + i * width, d);
                }
            }
        });
        ctx.setOutput(0, y);
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

    private static void gather(float[] src, int off, int stride, float[] dst, int rows, int cols) {
        for (int i = 0; i < rows; i++) {
            System.arraycopy(src, off + i * stride, dst, i * cols, cols);
        }
    }

    private static void softmaxRow(float[] s, int off, int n, MaskView mask, int b, int h, int i, float[] t, float[] k) {
        if (mask != null) {
            mask.addRow(s, off, b, h, i, n);
        }
        float max = rowMax(s, off, n);
        for (int j = 0; j < n; j++) {
            t[j] = s[off + j] - max;
        }
        FloatMath.exp(t, t, k, n);
        float inv = (float) (1.0 / rowSum(t, n));
        for (int j = 0; j < n; j++) {
            s[off + j] = t[j] * inv;
        }
    }

    /**
     * The largest of {@code s[off..off+n)} (NaN if any is NaN, which then spreads through the row as it
     * should), over four independent lanes: one running maximum is a chain of dependent steps per element.
     */
    private static float rowMax(float[] s, int off, int n) {
        float m0 = Float.NEGATIVE_INFINITY;
        float m1 = m0;
        float m2 = m0;
        float m3 = m0;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            m0 = Math.max(m0, s[off + j]);
            m1 = Math.max(m1, s[off + j + 1]);
            m2 = Math.max(m2, s[off + j + 2]);
            m3 = Math.max(m3, s[off + j + 3]);
        }
        for (; j < n; j++) {
            m0 = Math.max(m0, s[off + j]);
        }
        return Math.max(Math.max(m0, m1), Math.max(m2, m3));
    }

    /** The sum of {@code t[0..n)} in double over four independent lanes, for the same reason as {@link #rowMax}. */
    private static double rowSum(float[] t, int n) {
        double a0 = 0;
        double a1 = 0;
        double a2 = 0;
        double a3 = 0;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            a0 += t[j];
            a1 += t[j + 1];
            a2 += t[j + 2];
            a3 += t[j + 3];
        }
        for (; j < n; j++) {
            a0 += t[j];
        }
        return (a0 + a1) + (a2 + a3);
    }

    /** An additive mask broadcast to [B, H, Sq, Sk], read through strides (0 along broadcast axes). */
    private record MaskView(Tensor tensor, float[] data, long[] strides) {
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

        void addRow(float[] s, int off, int b, int h, int i, int n) {
            long base = b * strides[0] + h * strides[1] + i * strides[2];
            long step = strides[3];
            for (int j = 0; j < n; j++) {
                s[off + j] += data[(int) (base + j * step)];
            }
        }
    }
}
