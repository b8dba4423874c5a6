package dev.kiln.backend.cpu.kernels.nn;

import static dev.kiln.backend.cpu.kernels.nn.NnOrtComparisonTest.positive;
import static dev.kiln.backend.cpu.kernels.nn.NnOrtComparisonTest.random;

import dev.kiln.api.ir.Node;
import dev.kiln.backend.cpu.testing.KernelHarness;
import org.junit.jupiter.api.Test;

/** GroupNormalization, RMSNormalization and inference-mode Dropout against ONNX Runtime on random inputs. */
class NormalizationOrtTest {
    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-5;

    @Test
    void groupNormalizationOverGroupCounts() {
        for (long groups : new long[] {1, 2, 3, 6}) {
            Node n = Node.builder("GroupNormalization").inputs("x", "scale", "bias").output("y")
                    .attr("num_groups", groups).attr("epsilon", 1e-5f).build();
            KernelHarness.assertMatchesOrt(n, 21, RTOL, ATOL, random(2, 6, 5, 4), positive(6), random(6));
        }
    }

    @Test
    void rmsNormalizationOverAxes() {
        for (long axis : new long[] {-1, -2, 1}) {
            long[] scaleDims = axis == -1 ? new long[] {8} : axis == -2 ? new long[] {5, 8} : new long[] {4, 5, 8};
            Node n = Node.builder("RMSNormalization").inputs("x", "scale").output("y").attr("axis", axis).build();
            KernelHarness.assertMatchesOrt(n, 23, RTOL, ATOL, random(3, 4, 5, 8), random(scaleDims));
        }
    }

    @Test
    void dropoutInInferenceModeIsIdentity() {
        Node n = Node.builder("Dropout").input("x").outputs("y").build();
        KernelHarness.assertMatchesOrt(n, 13, 0, 0, random(3, 7));
        Node withRatio = Node.builder("Dropout").inputs("x", "ratio").outputs("y").build();
        KernelHarness.assertMatchesOrt(withRatio, 13, 0, 0, random(2, 9), dev.kiln.api.tensor.Tensor.scalar(0.3f));
    }
}
