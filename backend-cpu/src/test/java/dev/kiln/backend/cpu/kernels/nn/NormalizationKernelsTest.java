package dev.kiln.backend.cpu.kernels.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NormalizationKernelsTest {
    private static final float S = (float) (1 / Math.sqrt(1.25));

    @Test
    void layerNormalizationWithStatisticsOutputs() {
        Node n = Node.builder("LayerNormalization").inputs("X", "Scale", "B").outputs("Y", "Mean", "InvStdDev")
                .attr("epsilon", 0f).build();
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 2, 2, 2, 6}, 2, 4);
        List<RuntimeValue> out = KernelHarness.run(n, x, Tensor.of(new float[] {1, 1, 2, 2}, 4), Tensor.of(new float[] {0, 0, 0, 1}, 4));
        assertArrayEquals(new float[] {-1.5f * S, -0.5f * S, 2 * 0.5f * S, 2 * 1.5f * S + 1}, head((Tensor) out.get(0), 4), 1e-6f);
        Tensor mean = (Tensor) out.get(1);
        assertEquals(Shape.of(2, 1), mean.shape());
        assertArrayEquals(new float[] {2.5f, 3}, mean.floatData());
        assertArrayEquals(new float[] {S, (float) (1 / Math.sqrt(3))}, ((Tensor) out.get(2)).floatData(), 1e-6f);
    }

    @Test
    void layerNormalizationOverSeveralAxesInDouble() {
        Node n = Node.builder("LayerNormalization").inputs("X", "Scale").output("Y").attr("axis", 1L).attr("epsilon", 0f).build();
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 1, 2, 2);
        Tensor y = KernelHarness.runOne(n, x, Tensor.of(new double[] {1, 1, 1, 1}, 2, 2));
        double s = 1 / Math.sqrt(1.25);
        assertArrayEquals(new double[] {-1.5 * s, -0.5 * s, 0.5 * s, 1.5 * s}, y.doubleData(), 1e-12);
    }

    @Test
    void rmsNormalizationDividesByTheRootMeanSquare() {
        Node n = Node.builder("RMSNormalization").inputs("X", "scale").output("Y").attr("epsilon", 0f).build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(new float[] {3, 4, -3, -4}, 2, 2), Tensor.of(new float[] {1, 2}, 2));
        float r = (float) Math.sqrt(12.5);
        assertArrayEquals(new float[] {3 / r, 8 / r, -3 / r, -8 / r}, y.floatData(), 1e-6f);
    }

    @Test
    void batchNormalizationInferenceAndTraining() {
        Tensor x = Tensor.of(new float[] {1, 3, 10, 20, 5, 7, 30, 40}, 2, 2, 2);
        Tensor scale = Tensor.of(new float[] {1, 2}, 2);
        Tensor bias = Tensor.of(new float[] {0, 1}, 2);
        Tensor mean = Tensor.of(new float[] {1, 10}, 2);
        Tensor var = Tensor.of(new float[] {4, 100}, 2);
        Node inference = Node.builder("BatchNormalization").inputs("X", "scale", "B", "mean", "var").output("Y").attr("epsilon", 0f).build();
        Tensor y = KernelHarness.runOne(inference, x, scale, bias, mean, var);
        assertArrayEquals(new float[] {0, 1, 1, 3, 2, 3, 5, 7}, y.floatData(), 1e-6f);
        Node training = Node.builder("BatchNormalization").inputs("X", "scale", "B", "mean", "var").outputs("Y", "rm", "rv")
                .attr("epsilon", 0f).attr("training_mode", 1L).attr("momentum", 0.5f).build();
        List<RuntimeValue> out = KernelHarness.run(training, x, scale, bias, mean, var);
        // channel 0 holds 1, 3, 5, 7: mean 4, population variance 5
        assertEquals((float) (-3 / Math.sqrt(5)), ((Tensor) out.get(0)).floatData()[0], 1e-6f);
        assertArrayEquals(new float[] {2.5f, 17.5f}, ((Tensor) out.get(1)).floatData(), 1e-5f);
        assertEquals(4.5f, ((Tensor) out.get(2)).floatData()[0], 1e-5f);
    }

    @Test
    void instanceAndGroupNormalization() {
        Tensor x = Tensor.of(new float[] {1, 3, 10, 30}, 1, 2, 2);
        Node instance = Node.builder("InstanceNormalization").inputs("X", "s", "b").output("Y").attr("epsilon", 0f).build();
        Tensor y = KernelHarness.runOne(instance, x, Tensor.of(new float[] {1, 2}, 2), Tensor.of(new float[] {0, 5}, 2));
        assertArrayEquals(new float[] {-1, 1, 3, 7}, y.floatData(), 1e-6f);
        Node group = Node.builder("GroupNormalization").inputs("X", "s", "b").output("Y").attr("epsilon", 0f).attr("num_groups", 1L).build();
        Tensor g = KernelHarness.runOne(group, Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 2), Tensor.of(new float[] {1, 2}, 2),
                Tensor.of(new float[] {0, 1}, 2));
        assertArrayEquals(new float[] {-1.5f * S, -0.5f * S, 2 * 0.5f * S + 1, 2 * 1.5f * S + 1}, g.floatData(), 1e-6f);
    }

    @Test
    void meanVarianceNormalizationOverChosenAxes() {
        Node n = Node.builder("MeanVarianceNormalization").input("X").output("Y").attr("axes", 1L, 2L).build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(new double[] {1, 3, 5, 5}, 2, 1, 2));
        assertArrayEquals(new double[] {-1, 1, 0, 0}, y.doubleData(), 1e-8);
    }

    @Test
    void lrnNormalizesAcrossNeighbouringChannels() {
        Node n = Node.builder("LRN").input("X").output("Y").attr("size", 3L).attr("alpha", 3f).attr("beta", 1f).attr("bias", 1f).build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(new float[] {1, 2, 3}, 1, 3, 1));
        // channel 0 sees channels 0..1: 1 / (1 + 3/3 * 5)
        assertArrayEquals(new float[] {1 / 6f, 2 / 15f, 3 / 14f}, y.floatData(), 1e-6f);
    }

    @Test
    void halfPrecisionLayerNormalizationKeepsItsType() {
        Node n = Node.builder("LayerNormalization").inputs("X", "Scale").output("Y").build();
        Tensor x = Tensor.of(DType.FLOAT16, new short[] {FloatFormats.floatToHalf(1), FloatFormats.floatToHalf(3)}, 2);
        Tensor s = Tensor.of(DType.FLOAT16, new short[] {FloatFormats.floatToHalf(1), FloatFormats.floatToHalf(1)}, 2);
        Tensor y = KernelHarness.runOne(n, x, s);
        assertEquals(DType.FLOAT16, y.dtype());
        assertEquals(-1f, y.getFloat(0), 1e-3f);
    }

    private static float[] head(Tensor t, int n) {
        return Arrays.copyOf(t.floatData(), n);
    }
}
