package dev.kiln.backend.cpu.kernels.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.TensorAssert;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ai.onnx.ml kernels against ONNX Runtime on random inputs. */
class MlKernelsOrtTest {
    private static final Random RANDOM = new Random(3);

    static Tensor random(long... dims) {
        float[] v = new float[(int) Shape.of(dims).elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = RANDOM.nextFloat() * 2 - 1;
        }
        return Tensor.of(v, dims);
    }

    private static Node.Builder ml(String op) {
        return Node.builder(op).domain(Model.ML_DOMAIN).inputs("X").outputs("Y");
    }

    @Test
    void binarizer() {
        Tensor x = random(4, 7);
        KernelHarness.assertMatchesOrt(ml("Binarizer").attr("threshold", 0.25f).build(), 22, 0, 0, x);
        KernelHarness.assertMatchesOrt(ml("Binarizer").build(), 22, 0, 0, Tensor.of(new float[] {-1, 0, 0.5f, 2}, 4));
    }

    @Test
    void arrayFeatureExtractor() {
        Node n = Node.builder("ArrayFeatureExtractor").domain(Model.ML_DOMAIN).inputs("X", "I").outputs("Z").build();
        KernelHarness.assertMatchesOrt(n, 22, 0, 0, random(2, 3, 5), Tensor.of(new long[] {4, 0, 4, 2}, 4));
        KernelHarness.assertMatchesOrt(n, 22, 0, 0, random(6), Tensor.of(new long[] {5, 1}, 2));
        KernelHarness.assertMatchesOrt(n, 22, 0, 0, Tensor.of(new String[] {"a", "b", "c", "d"}, 2, 2), Tensor.of(new long[] {1}, 1));
    }

    @Test
    void labelEncoderAttributeLists() {
        Node stringToInt = ml("LabelEncoder").attribute(Attribute.strings("keys_strings", List.of("a", "b", "c")))
                .attr("values_int64s", 7, 8, 9).attr("default_int64", 42L).build();
        KernelHarness.assertMatchesOrt(stringToInt, 22, 0, 0, Tensor.of(new String[] {"c", "x", "a", "b", "a", ""}, 2, 3));
        Node intToFloat = ml("LabelEncoder").attr("keys_int64s", 1, 5, 3).attr("values_floats", new float[] {0.5f, -1.5f, 2f})
                .attr("default_float", 9f).build();
        KernelHarness.assertMatchesOrt(intToFloat, 22, 0, 0, Tensor.of(new long[] {5, 1, 2, 3, 3}, 5));
        Node floatToString = ml("LabelEncoder").attr("keys_floats", new float[] {0.5f, Float.NaN, -2f})
                .attribute(Attribute.strings("values_strings", List.of("half", "nan", "minus two"))).build();
        KernelHarness.assertMatchesOrt(floatToString, 22, 0, 0, Tensor.of(new float[] {Float.NaN, -2f, 0.5f, 3f}, 4));
    }

    @Test
    void labelEncoderTensors() {
        Node n = ml("LabelEncoder").attr("keys_tensor", Tensor.of(new long[] {3, 1, 4, 6}, 4))
                .attr("values_tensor", Tensor.of(new double[] {0.3, 0.1, 0.4, 0.6}, 4))
                .attr("default_tensor", Tensor.of(new double[] {-7}, 1)).build();
        KernelHarness.assertMatchesOrt(n, 22, 0, 0, Tensor.of(new long[] {1, 2, 3, 4, 5}, 5));
    }

    /** PROBIT on one target whose summed leaf weights stay inside (0, 1). */
    @Test
    void treeEnsembleProbit() {
        Node n = ml("TreeEnsemble").attr("n_targets", 1L).attr("post_transform", 4L).attr("tree_roots", 0L, 1L)
                .attr("nodes_featureids", 0L, 1L).attr("nodes_truenodeids", 0L, 2L).attr("nodes_falsenodeids", 1L, 3L)
                .attr("nodes_trueleafs", 1L, 1L).attr("nodes_falseleafs", 1L, 1L)
                .attr("nodes_modes", Tensor.of(DType.UINT8, new byte[] {0, 3}, 2)).attr("nodes_splits", Tensor.of(new float[] {0f, 0.25f}, 2))
                .attr("leaf_targetids", 0L, 0L, 0L, 0L).attr("leaf_weights", Tensor.of(new float[] {0.05f, 0.3f, 0.45f, 0.6f}, 4)).build();
        KernelHarness.assertMatchesOrt(n, 22, 1e-3, 1e-4, random(30, 2));
    }

    /** The spec: a repeated key keeps its last value (ONNX Runtime keeps the first). */
    @Test
    void labelEncoderRepeatedKeyTakesTheLastValue() {
        Node n = ml("LabelEncoder").attr("keys_int64s", 1, 2, 1).attr("values_int64s", 10, 20, 30).build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(new long[] {1, 2, 3}, 3));
        assertEquals(null, TensorAssert.difference(Tensor.of(new long[] {30, 20, -1}, 3), y, 0, 0));
    }

    /** Three random trees of depth 3 over 4 features, mixing every comparison mode, set membership and NaN routing. */
    @ParameterizedTest(name = "aggregate={0} post_transform={1}")
    @CsvSource({"1, 0", "0, 0", "2, 0", "3, 0", "1, 1", "1, 2", "1, 3"})
    void treeEnsemble(long aggregate, long postTransform) {
        Random rnd = new Random(17);
        int trees = 3;
        int perTree = 7;
        int nodes = trees * perTree;
        long[] features = new long[nodes];
        long[] trueIds = new long[nodes];
        long[] falseIds = new long[nodes];
        long[] trueLeaf = new long[nodes];
        long[] falseLeaf = new long[nodes];
        long[] missing = new long[nodes];
        byte[] modes = new byte[nodes];
        float[] splits = new float[nodes];
        List<Float> members = new java.util.ArrayList<>();
        long[] roots = new long[trees];
        int leaves = 0;
        for (int t = 0; t < trees; t++) {
            roots[t] = t * perTree;
            for (int k = 0; k < perTree; k++) {
                int id = t * perTree + k;
                features[id] = rnd.nextInt(4);
                modes[id] = (byte) rnd.nextInt(7);
                splits[id] = Math.round((rnd.nextFloat() * 2 - 1) * 4) / 4f;
                missing[id] = rnd.nextInt(2);
                if (modes[id] == 6) {
                    // ORT implements integer members only
                    members.add((float) Math.round(splits[id]));
                    members.add(1f);
                    members.add(Float.NaN);
                }
                if (k < 3) {
                    trueIds[id] = t * perTree + 2 * k + 1;
                    falseIds[id] = t * perTree + 2 * k + 2;
                } else {
                    trueLeaf[id] = 1;
                    falseLeaf[id] = 1;
                    trueIds[id] = leaves++;
                    falseIds[id] = leaves++;
                }
            }
        }
        long[] targets = new long[leaves];
        float[] weights = new float[leaves];
        for (int i = 0; i < leaves; i++) {
            targets[i] = rnd.nextInt(2);
            weights[i] = rnd.nextFloat() * 2 - 1;
        }
        float[] memberValues = new float[members.size()];
        for (int i = 0; i < memberValues.length; i++) {
            memberValues[i] = members.get(i);
        }
        Node.Builder b = ml("TreeEnsemble").attr("n_targets", 2L).attr("aggregate_function", aggregate).attr("post_transform", postTransform)
                .attr("tree_roots", roots).attr("nodes_featureids", features).attr("nodes_truenodeids", trueIds)
                .attr("nodes_falsenodeids", falseIds).attr("nodes_trueleafs", trueLeaf).attr("nodes_falseleafs", falseLeaf)
                .attr("nodes_missing_value_tracks_true", missing).attr("nodes_modes", Tensor.of(DType.UINT8, modes, nodes))
                .attr("nodes_splits", Tensor.of(splits, nodes)).attr("leaf_targetids", targets).attr("leaf_weights", Tensor.of(weights, leaves));
        if (memberValues.length > 0) {
            b.attr("membership_values", Tensor.of(memberValues, memberValues.length));
        }
        float[] x = new float[40 * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 11 == 0 ? Float.NaN : Math.round((rnd.nextFloat() * 2 - 1) * 4) / 4f;
        }
        Tensor input = Tensor.of(x, 40, 4);
        Tensor kiln = KernelHarness.runOne(b.build(), input);
        // ONNX Runtime 1.23 reads post_transform 1 as LOGISTIC and 2 as SOFTMAX, the reverse of the spec's enum
        // (SOFTMAX = 1, LOGISTIC = 2), so it is asked for the same function under its own number
        long ortCode = postTransform == 1 ? 2 : postTransform == 2 ? 1 : postTransform;
        Tensor ort = OrtReference.runNode(b.attr("post_transform", ortCode).build(), 22, List.of(input), List.of(DType.FLOAT)).get(0);
        assertEquals(null, TensorAssert.difference(ort, kiln, 1e-5, 1e-6));
    }
}
