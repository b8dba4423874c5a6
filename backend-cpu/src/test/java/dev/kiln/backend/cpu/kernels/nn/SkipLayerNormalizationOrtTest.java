package dev.kiln.backend.cpu.kernels.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.linalg.LinalgKernels;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.RandomTensors;
import dev.kiln.testing.TensorAssert;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * dev.kiln::SkipLayerNormalization against ONNX Runtime running the Add and LayerNormalization it stands for,
 * and the float32 LayerNormalization on rows longer than one statistics block and far from zero.
 */
class SkipLayerNormalizationOrtTest {
    private final Random random = new Random(17);

    private Tensor random(float lo, float hi, long... dims) {
        return RandomTensors.uniform(random, lo, hi, dims);
    }

    /** Kiln's fused node and ORT's Add + LayerNormalization on the same inputs; Sum compared too when requested. */
    private void assertMatchesUnfused(long axis, boolean withBias, boolean withSum, Tensor x, Tensor skip, Tensor scale, Tensor bias) {
        List<String> inputs = new ArrayList<>(List.of("x", "skip", "scale"));
        if (withBias) {
            inputs.add("bias");
        }
        Node fused = Node.builder(SkipLayerNormalizationKernel.OP).domain(LinalgKernels.FUSED_DOMAIN).inputs(inputs)
                .outputs(withSum ? List.of("y", "sum") : List.of("y")).attr("axis", axis).attr("epsilon", 1e-5f).build();
        List<Tensor> feeds = new ArrayList<>(List.of(x, skip, scale));
        if (withBias) {
            feeds.add(bias);
        }
        List<RuntimeValue> kiln = KernelHarness.run(fused, 1, feeds);
        List<String> lnInputs = new ArrayList<>(List.of("sum", "scale"));
        if (withBias) {
            lnInputs.add("bias");
        }
        Graph.Builder g = Graph.builder("add_ln").input("x", new ValueType.TensorType(DType.FLOAT, x.shape()))
                .input("skip", new ValueType.TensorType(DType.FLOAT, skip.shape()))
                .output("y", new ValueType.TensorType(DType.FLOAT, null)).output("sum", new ValueType.TensorType(DType.FLOAT, null))
                .initializer("scale", scale)
                .node(Node.builder("Add").inputs("x", "skip").output("sum").build())
                .node(Node.builder("LayerNormalization").inputs(lnInputs).output("y").attr("axis", axis).attr("epsilon", 1e-5f).build());
        if (withBias) {
            g.initializer("bias", bias);
        }
        Map<String, Tensor> ort = OrtReference.run(Model.builder(g.build()).opset("", 17).irVersion(9).build(), Map.of("x", x, "skip", skip));
        TensorAssert.assertClose(ort.get("y"), (Tensor) kiln.get(0), 1e-4, 1e-4);
        if (withSum) {
            TensorAssert.assertClose(ort.get("sum"), (Tensor) kiln.get(1), 0, 0);
        }
    }

    @Test
    void aResidualOfTheSameShapeWithAndWithoutTheSum() {
        for (boolean withSum : new boolean[] {false, true}) {
            for (boolean withBias : new boolean[] {true, false}) {
                assertMatchesUnfused(-1, withBias, withSum, random(-2f, 2f, 4, 7, 384), random(-2f, 2f, 4, 7, 384),
                        random(0.5f, 1.5f, 384), random(-1f, 1f, 384));
            }
        }
    }

    @Test
    void aBroadcastSkipAndAnEarlierAxis() {
        assertMatchesUnfused(-1, true, true, random(-2f, 2f, 3, 5, 24), random(-2f, 2f, 5, 24), random(0.5f, 1.5f, 24), random(-1f, 1f, 24));
        assertMatchesUnfused(-1, false, false, random(-2f, 2f, 5, 1), random(-2f, 2f, 3, 5, 24), random(0.5f, 1.5f, 24), null);
        assertMatchesUnfused(1, true, false, random(-2f, 2f, 3, 4, 10), random(-2f, 2f, 3, 4, 10), random(0.5f, 1.5f, 4, 10),
                random(-1f, 1f, 4, 10));
    }

    @Test
    void longRowsFarFromZeroKeepTheirVariance() {
        // rows of 1000 (more than one statistics block) with a mean of 300 against a spread of 1: a one-pass float
        // variance loses about 1% here (ORT's does: it differs from the float64 formula by 8e-3), so the reference
        // is the spec's formula worked out in float64
        int rows = 6;
        int size = 1000;
        Tensor x = random(299f, 301f, rows, size);
        Tensor skip = random(-1f, 1f, rows, size);
        Tensor scale = random(0.5f, 1.5f, size);
        Tensor bias = random(-1f, 1f, size);
        Tensor sum = Tensor.zeros(DType.FLOAT, x.shape());
        for (int i = 0; i < rows * size; i++) {
            sum.floatData()[i] = x.floatData()[i] + skip.floatData()[i];
        }
        Tensor expected = layerNormInDoubles(sum, scale, bias, 1e-5);
        Node fused = Node.builder(SkipLayerNormalizationKernel.OP).domain(LinalgKernels.FUSED_DOMAIN).inputs("x", "skip", "scale", "bias")
                .output("y").build();
        TensorAssert.assertClose(expected, (Tensor) KernelHarness.run(fused, 1, List.of(x, skip, scale, bias)).get(0), 1e-4, 1e-4);
        Node ln = Node.builder("LayerNormalization").inputs("x", "scale", "bias").output("y").build();
        TensorAssert.assertClose(expected, (Tensor) KernelHarness.run(ln, 17, List.of(sum, scale, bias)).get(0), 1e-4, 1e-4);
    }

    /** Layer normalization over the last axis of a rank-2 tensor, as the spec writes it, in float64. */
    private static Tensor layerNormInDoubles(Tensor x, Tensor scale, Tensor bias, double epsilon) {
        int size = (int) x.dims()[1];
        int rows = (int) x.dims()[0];
        Tensor y = Tensor.zeros(DType.FLOAT, x.shape());
        for (int r = 0; r < rows; r++) {
            double mean = 0;
            for (int k = 0; k < size; k++) {
                mean += x.floatData()[r * size + k];
            }
            mean /= size;
            double var = 0;
            for (int k = 0; k < size; k++) {
                double d = x.floatData()[r * size + k] - mean;
                var += d * d;
            }
            double inv = 1 / Math.sqrt(var / size + epsilon);
            for (int k = 0; k < size; k++) {
                y.floatData()[r * size + k] = (float) ((x.floatData()[r * size + k] - mean) * inv * scale.floatData()[k] + bias.floatData()[k]);
            }
        }
        return y;
    }

    @Test
    void otherElementTypesAreRefusedByName() {
        Node fused = Node.builder(SkipLayerNormalizationKernel.OP).domain(LinalgKernels.FUSED_DOMAIN).inputs("x", "skip", "scale").output("y").build();
        Tensor d = Tensor.zeros(DType.DOUBLE, dev.kiln.api.tensor.Shape.of(2, 4));
        assertThrows(UnsupportedOpException.class, () -> KernelHarness.run(fused, 1, List.of(d, d, d)));
    }
}
