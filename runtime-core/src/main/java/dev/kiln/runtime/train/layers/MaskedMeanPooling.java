package dev.kiln.runtime.train.layers;

import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import java.util.List;
import java.util.Objects;

/**
 * Mean over the token axis of a [N, L, D] input, counting only the tokens whose mask is non-zero:
 * {@code y[n, d] = sum_t x[n, t, d] m[n, t] / max(sum_t m[n, t], 1e-9)}, giving [N, D]. This is the
 * sentence-transformers pooling of all-MiniLM-L6-v2; a row whose mask is all zero gives zeros.
 *
 * @param mask the name of a network input of shape [N, L] (any numeric type; cast to float32), e.g.
 *             "attention_mask" declared with {@code Network.Builder.extraInput}
 */
public record MaskedMeanPooling(String mask) implements Layer {
    public MaskedMeanPooling {
        Objects.requireNonNull(mask, "mask");
    }

    @Override
    public Sym apply(NetBuilder net, Sym x) {
        if (x.rank() != 3) {
            throw new IllegalArgumentException("MaskedMeanPooling: expected a [N, L, D] input, got " + x);
        }
        if (!net.inputNames().contains(mask)) {
            throw new IllegalStateException("MaskedMeanPooling: mask '" + mask + "' is not a network input (inputs: " + net.inputNames() + ")");
        }
        String m = net.op("Cast", List.of(mask), b -> b.attr("to", (long) DType.FLOAT.code()));
        String m3 = net.op("Unsqueeze", List.of(m, net.ints(-1)));
        String sum = net.op("ReduceSum", List.of(net.op("Mul", List.of(x.name(), m3)), net.ints(1)), b -> b.attr("keepdims", 0L));
        String count = net.op("ReduceSum", List.of(m3, net.ints(1)), b -> b.attr("keepdims", 0L));
        String safe = net.op("Max", List.of(count, net.constant("min_count", Tensor.scalar(1e-9f))));
        return new Sym(net.op("Div", List.of(sum, safe)), new long[] {-1, x.dim(2)});
    }
}
