package dev.kiln.runtime.train.layers;

import dev.kiln.api.tensor.Tensor;
import java.util.List;

/**
 * Batch normalization over the channel axis (axis 1) of [N, C] or [N, C, H, W] input. Training
 * normalizes with the batch's mean and biased variance and updates the running statistics as ONNX does:
 * {@code running = running * momentum + batch * (1 - momentum)}. Inference (and export) is ONNX
 * BatchNormalization with the running statistics.
 */
public record BatchNorm(double momentum, double epsilon) implements Layer {
    public BatchNorm {
        if (momentum < 0 || momentum > 1 || epsilon <= 0) {
            throw new IllegalArgumentException("BatchNorm: need momentum in [0, 1] and epsilon > 0, got " + momentum + ", " + epsilon);
        }
    }

    public BatchNorm() {
        this(0.9, 1e-5);
    }

    @Override
    public Sym apply(NetBuilder net, Sym input) {
        if (input.rank() != 2 && input.rank() != 4) {
            throw new IllegalArgumentException("BatchNorm: expected [N, C] or [N, C, H, W] input, got " + input);
        }
        String name = net.layerName("batchnorm");
        int c = (int) input.dim(1);
        String scale = net.parameter(name + ".scale", new long[] {c}, () -> filled(c, 1f));
        String shift = net.parameter(name + ".bias", new long[] {c}, () -> new float[c]);
        String mean = net.buffer(name + ".running_mean", new long[] {c}, 0f);
        String var = net.buffer(name + ".running_var", new long[] {c}, 1f);
        if (!net.training()) {
            String y = net.op("BatchNormalization", List.of(input.name(), scale, shift, mean, var),
                    b -> b.attr("epsilon", (float) epsilon).attr("momentum", (float) momentum));
            return new Sym(y, input.shape());
        }
        long[] axes = input.rank() == 4 ? new long[] {0, 2, 3} : new long[] {0};
        long[] broadcast = input.rank() == 4 ? new long[] {1, c, 1, 1} : new long[] {1, c};
        Normalization.Moments m = Normalization.moments(net, input.name(), axes);
        String y = Normalization.normalize(net, m, epsilon, scale, shift, broadcast);
        net.updateBuffer(mean, running(net, mean, m.mean(), c));
        net.updateBuffer(var, running(net, var, m.variance(), c));
        return new Sym(y, input.shape());
    }

    private String running(NetBuilder net, String old, String batch, int c) {
        String keep = net.constant("momentum", Tensor.scalar((float) momentum));
        String take = net.constant("one_minus_momentum", Tensor.scalar((float) (1 - momentum)));
        String flat = net.op("Reshape", List.of(batch, net.ints(c)));
        return net.op("Add", List.of(net.op("Mul", List.of(old, keep)), net.op("Mul", List.of(flat, take))));
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
