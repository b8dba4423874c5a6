package dev.kiln.backend.cpu.kernels.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** CumProd (opset 26, which ONNX Runtime 1.23 lacks) against running products written out here. */
class CumProdKernelTest {
    private static final int OPSET = 26;

    private static Node node(long exclusive, long reverse) {
        return Node.builder("CumProd").inputs("x", "axis").output("y").attr("exclusive", exclusive).attr("reverse", reverse).build();
    }

    @Test
    void everyAxisAndModeMatchesRunningProducts() {
        Random random = new Random(3);
        double[] v = new double[3 * 4 * 5];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextDouble() * 3 - 1.5;
        }
        Tensor x = Tensor.of(v, 3, 4, 5);
        int[] dims = {3, 4, 5};
        for (int axis = -3; axis < 3; axis++) {
            int a = axis < 0 ? axis + 3 : axis;
            for (long exclusive = 0; exclusive < 2; exclusive++) {
                for (long reverse = 0; reverse < 2; reverse++) {
                    Tensor y = (Tensor) KernelHarness.run(node(exclusive, reverse), OPSET, List.of(x, Tensor.scalar((long) axis))).get(0);
                    for (int i = 0; i < v.length; i++) {
                        int[] idx = {i / 20, (i / 5) % 4, i % 5};
                        double expected = 1;
                        for (int j = 0; j < dims[a]; j++) {
                            boolean before = reverse == 0 ? j < idx[a] : j > idx[a];
                            if (before || (exclusive == 0 && j == idx[a])) {
                                int[] k = idx.clone();
                                k[a] = j;
                                expected *= v[k[0] * 20 + k[1] * 5 + k[2]];
                            }
                        }
                        assertEquals(expected, y.getDouble(i), 1e-12, "axis " + axis + " exclusive " + exclusive + " reverse " + reverse + " at " + i);
                    }
                }
            }
        }
    }

    @Test
    void integersWrapLikeC() {
        Tensor x = Tensor.of(new int[] {65536, 65536, 3}, 3);
        Tensor y = (Tensor) KernelHarness.run(node(0, 0), OPSET, List.of(x, Tensor.scalar(0L))).get(0);
        assertEquals(65536, y.getLong(0));
        assertEquals(0, y.getLong(1));
        assertEquals(0, y.getLong(2));
        Tensor f = (Tensor) KernelHarness.run(node(1, 1), OPSET, List.of(Tensor.of(new float[] {2, 3, 4}, 3), Tensor.scalar(0L))).get(0);
        assertEquals(List.of(12f, 4f, 1f), List.of(f.getFloat(0), f.getFloat(1), f.getFloat(2)));
    }
}
