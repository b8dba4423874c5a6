package dev.kiln.backend.cpu.kernels.logic;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The comparison, logical, bitwise and Where kernels against ONNX Runtime on random inputs with broadcasting. */
class LogicOrtComparisonTest {
    private static final int OPSET = 22;

    static Tensor random(DType t, long seed, long... dims) {
        Random r = new Random(seed);
        Tensor x = Tensor.zeros(t, Shape.of(dims));
        for (int i = 0; i < x.size(); i++) {
            switch (t) {
                case FLOAT -> x.floatData()[i] = r.nextInt(5) - 2;
                case DOUBLE -> x.doubleData()[i] = r.nextInt(5) - 2;
                case INT64 -> x.longData()[i] = r.nextInt(5) - 2;
                case INT32 -> x.intData()[i] = r.nextInt(5) - 2;
                case INT16 -> x.shortData()[i] = (short) r.nextInt();
                case INT8, UINT8 -> x.byteData()[i] = (byte) r.nextInt();
                case BOOL -> x.booleanData()[i] = r.nextBoolean();
                case STRING -> x.stringData()[i] = "s" + r.nextInt(3);
                default -> throw new IllegalArgumentException(t.toString());
            }
        }
        return x;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT", "DOUBLE", "INT64", "INT32", "INT16", "INT8", "UINT8"})
    void comparisons(DType t) {
        for (String op : new String[] {"Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual"}) {
            Node n = Node.builder(op).inputs("a", "b").output("y").build();
            KernelHarness.assertMatchesOrt(n, OPSET, 0, 0, random(t, 1, 3, 4, 5), random(t, 2, 4, 1));
            KernelHarness.assertMatchesOrt(n, OPSET, 0, 0, random(t, 3, 5), random(t, 4, 2, 1, 5));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"And", "Or", "Xor"})
    void logical(String op) {
        Node n = Node.builder(op).inputs("a", "b").output("y").build();
        KernelHarness.assertMatchesOrt(n, OPSET, 0, 0, random(DType.BOOL, 1, 3, 4, 5), random(DType.BOOL, 2, 5));
        KernelHarness.assertMatchesOrt(n, OPSET, 0, 0, random(DType.BOOL, 1, 3, 1, 5), random(DType.BOOL, 2, 4, 1));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"INT32", "INT64", "INT8", "UINT8", "INT16"})
    void bitwise(DType t) {
        for (String op : new String[] {"BitwiseAnd", "BitwiseOr", "BitwiseXor"}) {
            Node n = Node.builder(op).inputs("a", "b").output("y").build();
            KernelHarness.assertMatchesOrt(n, OPSET, 0, 0, random(t, 5, 3, 4), random(t, 6, 4));
        }
        KernelHarness.assertMatchesOrt(Node.builder("BitwiseNot").input("a").output("y").build(), OPSET, 0, 0, random(t, 7, 3, 4));
    }

    @ParameterizedTest
    @ValueSource(strings = {"LEFT", "RIGHT"})
    void bitShiftAndNot(String direction) {
        Node n = Node.builder("BitShift").inputs("a", "b").output("y").attr("direction", direction).build();
        Tensor amounts = Tensor.of(DType.UINT8, new byte[] {0, 1, 3, 7}, 4);
        KernelHarness.assertMatchesOrt(n, OPSET, 0, 0, random(DType.UINT8, 8, 5, 4), amounts);
        KernelHarness.assertMatchesOrt(Node.builder("Not").input("a").output("y").build(), OPSET, 0, 0, random(DType.BOOL, 9, 3, 4));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT", "INT64", "INT32", "DOUBLE", "UINT8", "STRING"})
    void where(DType t) {
        Node n = Node.builder("Where").inputs("c", "x", "y").output("out").build();
        KernelHarness.assertMatchesOrt(n, OPSET, 0, 0, random(DType.BOOL, 1, 3, 1, 5), random(t, 2, 4, 5), random(t, 3, 3, 4, 1));
        KernelHarness.assertMatchesOrt(n, OPSET, 0, 0, random(DType.BOOL, 1, 6), random(t, 2, 6), random(t, 3, 6));
        KernelHarness.assertMatchesOrt(n, OPSET, 0, 0, random(DType.BOOL, 1, 2, 1), random(t, 2, 1, 300), random(t, 3, 1));
    }
}
