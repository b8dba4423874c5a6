package dev.kiln.backend.cpu.kernels.attention;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;

/**
 * LinearAttention (27): the recurrent form, token by token, of linear attention with a
 * {@code (d_k, d_v)} state per key/value head. With decay {@code g} (log space, per key dimension or per
 * head) and rate {@code beta} (per head or shared), the state is first decayed
 * ({@code S' = exp(g) S} for the gated rules, {@code S' = S} otherwise), then updated:
 * linear/gated {@code S = S' + k v^T}; delta/gated_delta {@code S = S' + beta k (v - S'^T k)^T}; and each
 * query head of the group reads {@code o = scale q^T S}. Inputs are 3D packed {@code (B, T, heads*dim)};
 * states are {@code (B, H_kv, d_k, d_v)}. Computed in double. Immutable; thread-safe.
 */
final class LinearAttentionKernel implements Kernel {
    private static final String OP = "LinearAttention";
    private final int qHeads;
    private final int kvHeads;
    private final double scaleAttr;
    private final boolean gated;
    private final boolean delta;
    private final CpuExecution execution;

    LinearAttentionKernel(KernelRequest request, CpuExecution execution) {
        Node n = request.node();
        this.qHeads = (int) n.getInt("q_num_heads", 0);
        this.kvHeads = (int) n.getInt("kv_num_heads", 0);
        this.scaleAttr = n.getFloat("scale", 0f);
        String rule = n.getString("update_rule", "gated_delta");
        switch (rule) {
            case "linear" -> { gated = false; delta = false; }
            case "gated" -> { gated = true; delta = false; }
            case "delta" -> { gated = false; delta = true; }
            case "gated_delta" -> { gated = true; delta = true; }
            default -> throw new UnsupportedOpException(OP, "", request.opsetVersion(), "attribute 'update_rule' is '" + rule
                    + "'; expected 'linear', 'gated', 'delta' or 'gated_delta'");
        }
        if (qHeads <= 0 || kvHeads <= 0 || qHeads % kvHeads != 0) {
            throw new UnsupportedOpException(OP, "", request.opsetVersion(), "attributes q_num_heads " + qHeads + " and kv_num_heads "
                    + kvHeads + ": expected positive, with q_num_heads a multiple of kv_num_heads");
        }
        this.execution = execution;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor q = ctx.tensor(0);
        Tensor k = ctx.tensor(1);
        Tensor v = ctx.tensor(2);
        Precision.of(OP, ctx.opsetVersion(), "input 'query'", q.dtype());
        if (q.rank() != 3 || k.rank() != 3 || v.rank() != 3 || q.dim(2) % qHeads != 0 || k.dim(2) % kvHeads != 0
                || v.dim(2) % kvHeads != 0 || k.dim(0) != q.dim(0) || v.dim(0) != q.dim(0) || k.dim(1) != q.dim(1) || v.dim(1) != q.dim(1)) {
            throw new InvalidInputException(OP + ": expected query (B, T, " + qHeads + "*d_k), key (B, T, " + kvHeads + "*d_k), value (B, T, "
                    + kvHeads + "*d_v), got " + q.describe() + ", " + k.describe() + ", " + v.describe());
        }
        int batch = (int) q.dim(0);
        int steps = (int) q.dim(1);
        int dk = (int) (q.dim(2) / qHeads);
        int dv = (int) (v.dim(2) / kvHeads);
        if (k.dim(2) / kvHeads != dk) {
            throw new InvalidInputException(OP + ": key head size " + k.dim(2) / kvHeads + " differs from the query head size " + dk);
        }
        Shape stateShape = Shape.of(batch, kvHeads, dk, dv);
        Tensor pastT = ctx.hasInput(3) ? ctx.tensor(3) : null;
        if (pastT != null && !pastT.shape().equals(stateShape)) {
            throw new InvalidInputException(OP + ": input 'past_state': expected " + stateShape + ", got " + pastT.describe());
        }
        Gate decay = gated ? Gate.of("decay", ctx, 4, batch, steps, kvHeads, dk) : null;
        Gate beta = delta ? Gate.of("beta", ctx, 5, batch, steps, kvHeads, 1) : null;
        double scale = scaleAttr != 0 ? scaleAttr : 1.0 / Math.sqrt(dk);
        double[] qa = TensorArrays.doubles(q);
        double[] ka = TensorArrays.doubles(k);
        double[] va = TensorArrays.doubles(v);
        double[] state = pastT == null ? new double[(int) stateShape.elementCount()] : TensorArrays.doubles(pastT).clone();
        double[] out = new double[batch * steps * qHeads * dv];
        int group = qHeads / kvHeads;
        execution.parallelFor(batch * kvHeads, (long) steps * dk * dv * (2 + group), (start, end) -> {
            double[] read = new double[dv];
            for (int bh = start; bh < end; bh++) {
                int b = bh / kvHeads;
                int h = bh % kvHeads;
                int s0 = bh * dk * dv;
                for (int t = 0; t < steps; t++) {
                    int bt = b * steps + t;
                    int kOff = (bt * kvHeads + h) * dk;
                    int vOff = (bt * kvHeads + h) * dv;
                    if (gated) {
                        for (int i = 0; i < dk; i++) {
                            double f = Math.exp(decay.at(bt, h, i));
                            for (int j = 0; j < dv; j++) {
                                state[s0 + i * dv + j] *= f;
                            }
                        }
                    }
                    double rate = 1;
                    if (delta) {
                        rate = beta.at(bt, h, 0);
                        for (int j = 0; j < dv; j++) {
                            double acc = 0;
                            for (int i = 0; i < dk; i++) {
                                acc += state[s0 + i * dv + j] * ka[kOff + i];
                            }
                            read[j] = va[vOff + j] - acc;
                        }
                    } else {
                        System.arraycopy(va, vOff, read, 0, dv);
                    }
                    for (int i = 0; i < dk; i++) {
                        double ki = rate * ka[kOff + i];
                        for (int j = 0; j < dv; j++) {
                            state[s0 + i * dv + j] += ki * read[j];
                        }
                    }
                    for (int g = 0; g < group; g++) {
                        int qh = h * group + g;
                        int qOff = (bt * qHeads + qh) * dk;
                        int oOff = (bt * qHeads + qh) * dv;
                        for (int j = 0; j < dv; j++) {
                            double acc = 0;
                            for (int i = 0; i < dk; i++) {
                                acc += qa[qOff + i] * state[s0 + i * dv + j];
                            }
                            out[oOff + j] = scale * acc;
                        }
                    }
                }
            }
        });
        Tensor y = ctx.allocate(q.dtype(), Shape.of(batch, steps, (long) qHeads * dv));
        TensorArrays.store(out, y);
        ctx.setOutput(0, y);
        if (ctx.outputCount() > 1 && ctx.isOutputRequested(1)) {
            DType stateType = pastT != null ? pastT.dtype() : q.dtype();
            Tensor present = ctx.allocate(stateType, stateShape);
            TensorArrays.store(state, present);
            ctx.setOutput(1, present);
        }
    }

    /**
     * A packed per-token gate input {@code (B, T, width)} read per key/value head and key dimension:
     * {@code width} is heads * dims (one value per dimension), heads (one per head) or 1 (shared).
     */
    private record Gate(double[] values, int width, int perHead) {
        static Gate of(String name, KernelContext ctx, int index, int batch, int steps, int heads, int dims) {
            if (!ctx.hasInput(index)) {
                throw new InvalidInputException(OP + ": input '" + name + "' is required by this update_rule");
            }
            Tensor t = ctx.tensor(index);
            long w = t.rank() == 3 ? t.dim(2) : -1;
            if (t.rank() != 3 || t.dim(0) != batch || t.dim(1) != steps || (w != (long) heads * dims && w != heads && w != 1)) {
                throw new InvalidInputException(OP + ": input '" + name + "': expected (" + batch + ", " + steps + ", " + heads
                        + (dims > 1 ? "*" + dims + " or " + heads : " or 1") + "), got " + t.describe());
            }
            int perHead = w == 1 ? 0 : (int) (w / heads);
            return new Gate(TensorArrays.doubles(t), (int) w, perHead);
        }

        double at(int bt, int head, int dim) {
            if (perHead == 0) {
                return values[bt * width];
            }
            return values[bt * width + head * perHead + (perHead == 1 ? 0 : dim)];
        }
    }
}
