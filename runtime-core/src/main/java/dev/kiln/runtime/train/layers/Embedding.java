package dev.kiln.runtime.train.layers;

import dev.kiln.api.tensor.Tensor;
import java.util.List;

/**
 * A lookup table [vocabulary, dimension] indexed by int64 ids of shape [N, L], giving [N, L, dimension].
 * Inference uses Gather; training writes the lookup as OneHot(ids) x table, whose gradient is a MatMul.
 */
public record Embedding(int vocabulary, int dimension) implements Layer {
    public Embedding {
        if (vocabulary <= 0 || dimension <= 0) {
            throw new IllegalArgumentException("Embedding: vocabulary and dimension must be positive, got " + vocabulary + ", " + dimension);
        }
    }

    @Override
    public Sym apply(NetBuilder net, Sym ids) {
        String name = net.layerName("embedding");
        String table = net.parameter(name + ".weight", new long[] {vocabulary, dimension},
                () -> Initializer.GLOROT_UNIFORM.draw(net.initRng(), vocabulary * dimension, vocabulary, dimension));
        long[] shape = java.util.Arrays.copyOf(ids.shape(), ids.rank() + 1);
        shape[ids.rank()] = dimension;
        if (!net.training()) {
            return new Sym(net.op("Gather", List.of(table, ids.name()), b -> b.attr("axis", 0L)), shape);
        }
        String depth = net.constant("depth", Tensor.of(new long[] {vocabulary}, 1));
        String values = net.constant("onehot_values", Tensor.of(new float[] {0, 1}, 2));
        String oneHot = net.op("OneHot", List.of(ids.name(), depth, values), b -> b.attr("axis", -1L));
        return new Sym(net.op("MatMul", List.of(oneHot, table)), shape);
    }
}
