package dev.kiln.backend.cpu.kernels.attention;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.AttributeType;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.linalg.TensorArrays;
import java.util.Map;

/**
 * ai.onnx.preview::FlexAttention (1): {@code Y = prob_mod(softmax(score_mod(scale Q K^T))) V} over 4D
 * inputs, query head {@code h} reading key/value head {@code h / (Hq / Hkv)}. Scores and probabilities are
 * held in softmax_precision (float32, or float64 for double inputs, by default), the type the modifier
 * subgraphs see; the modifiers run through {@link ModifierGraph}. Immutable; thread-safe.
 */
final class FlexAttentionKernel implements Kernel {
    static final String DOMAIN = "ai.onnx.preview";
    private static final String OP = "FlexAttention";
    /**
     * The ai.onnx opset the modifier subgraphs' nodes compile at: the one released with ai.onnx.preview 1,
     * since a kernel request carries only its own domain's version.
     */
    private static final int ONNX_OPSET = 26;

    private final Float scaleAttr;
    private final Long softmaxPrecision;
    private final ModifierGraph scoreMod;
    private final ModifierGraph probMod;
    private final CpuExecution execution;

    FlexAttentionKernel(KernelRequest request, CpuExecution execution) {
        Node n = request.node();
        this.scaleAttr = n.hasAttribute("scale") ? n.getFloat("scale", 0f) : null;
        this.softmaxPrecision = n.hasAttribute("softmax_precision") ? n.getInt("softmax_precision", 1) : null;
        Map<String, Integer> opsets = Map.of("", ONNX_OPSET, DOMAIN, request.opsetVersion());
        this.scoreMod = modifier(n, "score_mod", opsets, execution);
        this.probMod = modifier(n, "prob_mod", opsets, execution);
        this.execution = execution;
    }

    private static ModifierGraph modifier(Node n, String name, Map<String, Integer> opsets, CpuExecution execution) {
        Attribute a = n.attribute(name);
        return a == null || a.type() != AttributeType.GRAPH ? null : new ModifierGraph(OP, name, a.asGraph(), opsets, execution);
    }

    @Override
    public void execute(KernelContext ctx) {
        int opset = ctx.opsetVersion();
        Tensor q = ctx.tensor(0);
        Tensor k = ctx.tensor(1);
        Tensor v = ctx.tensor(2);
        Precision t1 = Precision.of(OP, opset, "input 'Q'", q.dtype());
        Precision sp = softmaxPrecision != null ? Precision.ofCode(OP, opset, "softmax_precision", softmaxPrecision)
                : t1 == Precision.FLOAT64 ? Precision.FLOAT64 : Precision.FLOAT32;
        if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4) {
            throw new InvalidInputException(OP + ": Q, K and V must be rank 4, got " + q.describe() + ", " + k.describe() + ", " + v.describe());
        }
        int batch = (int) q.dim(0);
        int hq = (int) q.dim(1);
        int lq = (int) q.dim(2);
        int d = (int) q.dim(3);
        int hkv = (int) k.dim(1);
        int lk = (int) k.dim(2);
        int dv = (int) v.dim(3);
        if (k.dim(0) != batch || v.dim(0) != batch || v.dim(1) != hkv || k.dim(3) != d || v.dim(2) != lk || hkv == 0 || hq % hkv != 0) {
            throw new InvalidInputException(OP + ": inconsistent shapes Q " + q.describe() + ", K " + k.describe() + ", V " + v.describe()
                    + "; expected equal batch, Q/K head size, K/V length and K/V heads, with Q heads a multiple of K/V heads");
        }
        double scale = scaleAttr != null ? scaleAttr : 1.0 / Math.sqrt(d);
        double[] qa = TensorArrays.doubles(q);
        double[] ka = TensorArrays.doubles(k);
        double[] va = TensorArrays.doubles(v);
        int group = hq / hkv;
        int block = lq * lk;
        double[] scores = new double[batch * hq * block];
        execution.parallelFor(batch * hq, (long) block * d, (start, end) -> {
            double[] s = new double[block];
            for (int bh = start; bh < end; bh++) {
                int kvHead = bh / hq * hkv + bh % hq / group;
                HeadMath.scores(qa, bh * lq * d, ka, kvHead * lk * d, lq, lk, d, s);
                for (int i = 0; i < block; i++) {
                    scores[bh * block + i] = sp.round(s[i] * scale);
                }
            }
        });
        Shape shape = Shape.of(batch, hq, lq, lk);
        double[] probs = modify(ctx, scoreMod, scores, shape, sp);
        execution.parallelFor(batch * hq, (long) block * 4, (start, end) -> {
            double[] s = new double[block];
            for (int bh = start; bh < end; bh++) {
                System.arraycopy(probs, bh * block, s, 0, block);
                HeadMath.softmaxRows(s, lq, lk, sp);
                System.arraycopy(s, 0, probs, bh * block, block);
            }
        });
        double[] weights = modify(ctx, probMod, probs, shape, sp);
        double[] y = new double[batch * hq * lq * dv];
        execution.parallelFor(batch * hq, (long) block * dv, (start, end) -> {
            double[] p = new double[block];
            for (int bh = start; bh < end; bh++) {
                int kvHead = bh / hq * hkv + bh % hq / group;
                System.arraycopy(weights, bh * block, p, 0, block);
                HeadMath.weighted(p, lq, lk, va, kvHead * lk * dv, dv, y, bh * lq * dv);
            }
        });
        Tensor out = ctx.allocate(q.dtype(), Shape.of(batch, hq, lq, dv));
        TensorArrays.store(y, out);
        ctx.setOutput(0, out);
    }

    /** The values after {@code mod} ran on them as a tensor of the softmax precision's type; {@code values} itself without one. */
    private static double[] modify(KernelContext ctx, ModifierGraph mod, double[] values, Shape shape, Precision sp) {
        if (mod == null) {
            return values;
        }
        Tensor t = ctx.allocate(typeOf(sp), shape);
        TensorArrays.store(values, t);
        Tensor result = mod.apply(ctx, t);
        double[] out = TensorArrays.doubles(result);
        // a float64 result lends its own array, which may be a subgraph initializer: the caller writes into it
        return result.dtype() == DType.DOUBLE ? out.clone() : out;
    }

    private static DType typeOf(Precision p) {
        return switch (p) {
            case FLOAT16 -> DType.FLOAT16;
            case BFLOAT16 -> DType.BFLOAT16;
            case FLOAT32 -> DType.FLOAT;
            case FLOAT64 -> DType.DOUBLE;
        };
    }
}
