package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The storage-generic kernels against ONNX Runtime for each storage kind (float16 as short[], bool, strings, ...). */
class ElementTypesOrtTest {
    private static final int OPSET = 21;

    private static Tensor random(DType t, long... dims) {
        Random r = new Random(t.ordinal());
        Tensor x = Tensor.zeros(t, Shape.of(dims));
        Object a = x.data();
        for (int i = 0; i < x.size(); i++) {
            switch (t.storage()) {
                case FLOAT -> ((float[]) a)[i] = r.nextFloat();
                case DOUBLE -> ((double[]) a)[i] = r.nextDouble();
                case LONG -> ((long[]) a)[i] = r.nextLong();
                case INT -> ((int[]) a)[i] = r.nextInt();
                case SHORT -> ((short[]) a)[i] = (short) (r.nextInt(0x3C00) & 0x3FFF);
                case BYTE -> ((byte[]) a)[i] = (byte) r.nextInt();
                case BOOLEAN -> ((boolean[]) a)[i] = r.nextBoolean();
                case STRING -> ((String[]) a)[i] = "s" + r.nextInt(100);
            }
        }
        return x;
    }

    private static Tensor longs(long... v) {
        return Tensor.of(v, v.length);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT", "DOUBLE", "FLOAT16", "INT8", "UINT8", "INT32", "INT64", "BOOL", "STRING"})
    void dataMovementKeepsEveryElementType(DType t) {
        Tensor x = random(t, 3, 4, 5);
        KernelHarness.assertMatchesOrt(Node.builder("Transpose").input("x").output("y").attr("perm", 2, 0, 1).build(), OPSET, 0, 0, x);
        KernelHarness.assertMatchesOrt(Node.builder("Gather").inputs("x", "i").output("y").attr("axis", 2L).build(), OPSET, 0, 0, x,
                Tensor.of(new long[] {4, -1, 0}, 3));
        KernelHarness.assertMatchesOrt(Node.builder("Slice").inputs("x", "s", "e", "a", "p").output("y").build(), OPSET, 0, 0, x,
                longs(3, 1), longs(0, 5), longs(1, 2), longs(-2, 2));
        KernelHarness.assertMatchesOrt(Node.builder("Concat").inputs("a", "b").output("y").attr("axis", 1L).build(), OPSET, 0, 0, x, x);
        KernelHarness.assertMatchesOrt(Node.builder("Expand").inputs("x", "s").output("y").build(), OPSET, 0, 0, random(t, 3, 1, 5),
                longs(2, 3, 4, 5));
        KernelHarness.assertMatchesOrt(Node.builder("Tile").inputs("x", "r").output("y").build(), OPSET, 0, 0, x, longs(1, 2, 2));
        KernelHarness.assertMatchesOrt(Node.builder("Reshape").inputs("x", "s").output("y").build(), OPSET, 0, 0, x, longs(0, -1));
    }
}
