package dev.kiln.backend.cpu.kernels.training;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test helpers: runs an optimizer node on float arrays and draws random inputs. */
final class Optimizers {
    private Optimizers() {
    }

    /** Runs {@code node} with R, T and the given float tensors (all of shape [n]); returns each output's floats. */
    static float[][] run(Node node, float r, long t, float[]... tensors) {
        List<RuntimeValue> in = new ArrayList<>();
        in.add(Tensor.scalar(r));
        in.add(Tensor.scalar(t));
        for (float[] a : tensors) {
            in.add(Tensor.of(a, a.length));
        }
        List<RuntimeValue> out = KernelHarness.run(node, 1, in);
        float[][] result = new float[out.size()][];
        for (int i = 0; i < out.size(); i++) {
            result[i] = ((Tensor) out.get(i)).floatData();
        }
        return result;
    }

    static float[] random(Random rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextGaussian() * scale);
        }
        return a;
    }

    static float[] positive(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() + 0.01);
        }
        return a;
    }
}
