package dev.kiln.backend.cpu.kernels.attention;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;

/**
 * Attention (opsets 23 and 24): scaled dot-product attention over 3D (heads packed in the last axis) or
 * 4D inputs, with grouped key/value heads, a boolean or additive mask, bottom-right causal masking,
 * a past/present key-value cache, {@code nonpad_kv_seqlen} padding (24), softcap and the four
 * {@code qk_matmul_output} modes. Computed in double per (batch, head), with each step rounded to the
 * type it is defined in (T1, or softmax_precision for the softmax) so narrow types behave like the
 * spec's composition of ops; a fully masked query row gives zeros. Immutable; thread-safe.
 */
final class AttentionKernel implements Kernel {
    private static final String OP = "Attention";
    private final boolean causal;
    private final int qHeadsAttr;
    private final int kvHeadsAttr;
    private final int outputMode;
    private final Float scaleAttr;
    private final double softcap;
    private final Long softmaxPrecision;
    private final CpuExecution execution;

    AttentionKernel(KernelRequest request, CpuExecution execution) {
        Node n = request.node();
        this.causal = n.getInt("is_causal", 0) != 0;
        this.qHeadsAttr = (int) n.getInt("q_num_heads", 0);
        this.kvHeadsAttr = (int) n.getInt("kv_num_heads", 0);
        this.outputMode = (int) n.getInt("qk_matmul_output_mode", 0);
        this.scaleAttr = n.hasAttribute("scale") ? n.getFloat("scale", 0f) : null;
        this.softcap = n.getFloat("softcap", 0f);
        this.softmaxPrecision = n.hasAttribute("softmax_precision") ? n.getInt("softmax_precision", 1) : null;
        if (outputMode < 0 || outputMode > 3) {
            throw new UnsupportedOpException(OP, "", request.opsetVersion(), "attribute 'qk_matmul_output_mode' is " + outputMode
                    + "; expected 0, 1, 2 or 3");
        }
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        int opset = ctx.opsetVersion();
        Tensor q = ctx.tensor(0);
        Tensor k = ctx.tensor(1);
        Tensor v = ctx.tensor(2);
        Precision t1 = Precision.of(OP, opset, "input 'Q'", q.dtype());
        Precision.of(OP, opset, "input 'V'", v.dtype());
        Precision sp = softmaxPrecision == null ? t1 : Precision.ofCode(OP, opset, "softmax_precision", softmaxPrecision);
        boolean packed = q.rank() == 3;
        if (q.rank() != k.rank() || q.rank() != v.rank() || (q.rank() != 3 && q.rank() != 4)) {
            throw new InvalidInputException("Attention inputs Q, K, V: expected all rank 3 or all rank 4, got "
                    + q.describe() + ", " + k.describe() + ", " + v.describe());
        }
        HeadLayout qs = HeadLayout.of("Q", q, packed ? qHeadsAttr : 0);
        HeadLayout ks = HeadLayout.of("K", k, packed ? kvHeadsAttr : 0);
        HeadLayout vs = HeadLayout.of("V", v, packed ? kvHeadsAttr : 0);
        int batch = qs.batch();
        int hq = qs.heads();
        int hkv = ks.heads();
        int lq = qs.length();
        int d = qs.size();
        int dv = vs.size();
        if (ks.batch() != batch || vs.batch() != batch || vs.heads() != hkv || ks.size() != d || vs.length() != ks.length()
                || hkv == 0 || hq % hkv != 0) {
            throw new InvalidInputException("Attention: inconsistent shapes Q " + q.describe() + " (" + hq + " heads), K "
                    + k.describe() + ", V " + v.describe() + " (" + hkv + " heads); expected equal batch, head size of Q and K, "
                    + "sequence length of K and V, and q_num_heads a multiple of kv_num_heads");
        }
        Tensor pastK = ctx.hasInput(4) ? ctx.tensor(4) : null;
        Tensor pastV = ctx.hasInput(5) ? ctx.tensor(5) : null;
        int past = pastK == null ? 0 : (int) pastK.dim(2);
        if (pastK != null && (pastV == null || !pastK.shape().equals(Shape.of(batch, hkv, past, d))
                || !pastV.shape().equals(Shape.of(batch, hkv, past, dv)))) {
            throw new InvalidInputException("Attention past_key/past_value: expected [" + batch + "," + hkv + ",P," + d + "] and ["
                    + batch + "," + hkv + ",P," + dv + "], got " + pastK.describe() + ", " + (pastV == null ? "none" : pastV.describe()));
        }
        int total = past + ks.length();
        double[] qa = qs.heads(q);
        double[] ka = KvCache.concat(pastK, ks.heads(k), batch, hkv, past, ks.length(), d);
        double[] va = KvCache.concat(pastV, vs.heads(v), batch, hkv, past, ks.length(), dv);
        double root = Math.sqrt(scaleAttr != null ? scaleAttr : 1.0 / Math.sqrt(d));
        for (int i = 0; i < qa.length; i++) {
            qa[i] = t1.round(qa[i] * root);
        }
        double[] kScaled = new double[ka.length];
        for (int i = 0; i < ka.length; i++) {
            kScaled[i] = t1.round(ka[i] * root);
        }
        long[] nonpad = ctx.hasInput(6) ? ctx.tensor(6).toLongArray() : null;
        AttentionBias bias = new AttentionBias(ctx.hasInput(3) ? ctx.tensor(3) : null, nonpad, causal, past, batch, hq, lq, total);
        boolean wantQk = ctx.outputCount() > 3 && ctx.isOutputRequested(3);
        double[] qk = wantQk ? new double[batch * hq * lq * total] : null;
        double[] y = new double[batch * hq * lq * dv];
        int group = hq / hkv;
        execution.parallelFor(batch * hq, (long) lq * total * (d + dv), (start, end) -> {
            double[] s = new double[lq * total];
            for (int bh = start; bh < end; bh++) {
                int b = bh / hq;
                int h = bh % hq;
                int kvHead = b * hkv + h / group;
                HeadMath.scores(qa, bh * lq * d, kScaled, kvHead * total * d, lq, total, d, s);
                t1.round(s, 0, s.length);
                keep(qk, 0, s, bh);
                if (softcap > 0) {
                    for (int i = 0; i < s.length; i++) {
                        s[i] = t1.round(softcap * Math.tanh(t1.round(s[i] / softcap)));
                    }
                }
                keep(qk, 1, s, bh);
                bias.apply(b, h, s);
                t1.round(s, 0, s.length);
                keep(qk, 2, s, bh);
                HeadMath.softmaxRows(s, lq, total, sp);
                t1.round(s, 0, s.length);
                keep(qk, 3, s, bh);
                HeadMath.weighted(s, lq, total, va, kvHead * total * dv, dv, y, bh * lq * dv);
            }
        });
        ctx.setOutput(0, qs.store(ctx, y, hq, dv, q.dtype()));
        if (ctx.outputCount() > 1 && ctx.isOutputRequested(1)) {
            ctx.setOutput(1, KvCache.store(ctx, ka, k.dtype(), batch, hkv, total, d));
        }
        if (ctx.outputCount() > 2 && ctx.isOutputRequested(2)) {
            ctx.setOutput(2, KvCache.store(ctx, va, v.dtype(), batch, hkv, total, dv));
        }
        if (wantQk) {
            Tensor out = ctx.allocate(q.dtype(), Shape.of(batch, hq, lq, total));
            TensorArrays.store(qk, out);
            ctx.setOutput(3, out);
        }
    }

    /** Copies head {@code bh}'s matrix into the qk_matmul_output when {@code mode} is the one requested. */
    private void keep(double[] qk, int mode, double[] s, int bh) {
        if (qk != null && mode == outputMode) {
            System.arraycopy(s, 0, qk, bh * s.length, s.length);
        }
    }
}
