package dev.kiln.runtime.train.layers;

import java.util.List;

/**
 * Layer normalization over the last axis with a learned scale and shift. Training writes it out from
 * ReduceMean/Sub/Div/Sqrt (ops with gradient rules); inference and export use ONNX LayerNormalization.
 */
public record LayerNorm(double epsilon) implements Layer {
    public LayerNorm {
        if (epsilon <= 0) {
            throw new IllegalArgumentException("LayerNorm: epsilon must be positive, got " + epsilon);
        }
    }

    public LayerNorm() {
        this(1e-5);
    }

    @Override
    public Sym apply(NetBuilder net, Sym input) {
        String name = net.layerName("layernorm");
        int d = (int) input.dim(-1);
        String scale = net.parameter(name + ".scale", new long[] {d}, () -> {
            float[] a = new float[d];
            java.util.Arrays.fill(a, 1f);
            return a;
        });
        String shift = net.parameter(name + ".bias", new long[] {d}, () -> new float[d]);
        if (!net.training()) {
            return new Sym(net.op("LayerNormalization", List.of(input.name(), scale, shift),
                    b -> b.attr("axis", -1L).attr("epsilon", (float) epsilon)), input.shape());
        }
        Normalization.Moments m = Normalization.moments(net, input.name(), -1);
        return new Sym(Normalization.normalize(net, m, epsilon, scale, shift, d), input.shape());
    }
}
