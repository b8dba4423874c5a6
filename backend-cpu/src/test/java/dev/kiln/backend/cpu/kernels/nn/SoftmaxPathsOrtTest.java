package dev.kiln.backend.cpu.kernels.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.simd.Simd;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.RandomTensors;
import dev.kiln.testing.TensorAssert;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Softmax and LogSoftmax (float32) on both paths, the Vector API one and the plain-Java one, each against
 * ONNX Runtime: row lengths that are not multiples of the lane count, inner axes, large and -inf inputs.
 */
class SoftmaxPathsOrtTest {
    private final Random random = new Random(21);

    @ParameterizedTest(name = "{0} axis={1} shape={2}")
    @CsvSource({"Softmax, -1, 3 5 37", "Softmax, -1, 2 128", "Softmax, 1, 3 12 17", "LogSoftmax, -1, 4 33", "LogSoftmax, 0, 7 19",
        "Softmax, -1, 1 1", "LogSoftmax, -1, 2 3 300"})
    void bothPathsMatchOnnxRuntime(String op, long axis, String shape) {
        long[] dims = java.util.Arrays.stream(shape.trim().split(" ")).mapToLong(Long::parseLong).toArray();
        Tensor x = RandomTensors.uniform(random, -30f, 30f, dims);
        float[] xd = x.floatData();
        for (int i = 0; i < xd.length; i += 7) {
            xd[i] = i % 2 == 0 ? Float.NEGATIVE_INFINITY : xd[i] * 3;
        }
        xd[xd.length - 1] = 80f;
        Node node = Node.builder(op).input("X").output("Y").attr("axis", axis).build();
        Tensor ort = OrtReference.runNode(node, 13, List.of(x), List.of(DType.FLOAT)).get(0);
        int rank = dims.length;
        int a = (int) (axis < 0 ? axis + rank : axis);
        int outer = 1;
        int inner = 1;
        for (int i = 0; i < a; i++) {
            outer *= (int) dims[i];
        }
        for (int i = a + 1; i < rank; i++) {
            inner *= (int) dims[i];
        }
        try (CpuExecution execution = new CpuExecution(2)) {
            for (boolean simd : new boolean[] {false, true}) {
                if (simd) {
                    assumeTrue(Simd.enabled(), Simd.describe());
                }
                float[] out = new float[xd.length];
                new SoftmaxKernel(op, axis, op.equals("LogSoftmax"), execution, simd).floats(xd, out, outer, (int) dims[a], inner);
                String d = TensorAssert.difference(ort, Tensor.of(out, dims), 1e-5, 1e-6);
                assertEquals(null, d, (simd ? "SIMD" : "plain") + " path differs from ONNX Runtime");
            }
        }
    }
}
