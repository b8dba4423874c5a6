package dev.kiln.backend.cpu.kernels.math;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The math kernels against ONNX Runtime on random inputs, for float32 and the other types each op takes. */
class MathOrtComparisonTest {
    private static final int OPSET = 22;
    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-6;

    static Tensor uniform(long seed, float lo, float hi, long... dims) {
        Random r = new Random(seed);
        float[] v = new float[(int) Shape.of(dims).elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + r.nextFloat() * (hi - lo);
        }
        return Tensor.of(v, dims);
    }

    static Tensor as(DType type, Tensor floats) {
        Tensor t = Tensor.zeros(type, floats.shape());
        float[] f = floats.floatData();
        for (int i = 0; i < f.length; i++) {
            switch (type) {
                case DOUBLE -> t.doubleData()[i] = f[i];
                case FLOAT16 -> t.shortData()[i] = FloatFormats.floatToHalf(f[i]);
                case BFLOAT16 -> t.shortData()[i] = FloatFormats.floatToBfloat16(f[i]);
                case INT64 -> t.longData()[i] = Math.round(f[i]);
                case INT32 -> t.intData()[i] = Math.round(f[i]);
                case INT16 -> t.shortData()[i] = (short) Math.round(f[i]);
                case INT8, UINT8 -> t.byteData()[i] = (byte) Math.round(f[i]);
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        return t;
    }

    private static Node unary(String op) {
        return Node.builder(op).input("x").output("y").build();
    }

    @ParameterizedTest
    @CsvSource({
        "Abs, -4, 4", "Neg, -4, 4", "Exp, -10, 10", "Log, 0.001, 100", "Sqrt, 0, 100", "Reciprocal, 0.1, 10",
        "Floor, -4, 4", "Ceil, -4, 4", "Round, -4, 4", "Sign, -2, 2", "Sin, -6, 6", "Cos, -6, 6", "Tan, -1.5, 1.5",
        "Asin, -1, 1", "Acos, -1, 1", "Atan, -10, 10", "Sinh, -5, 5", "Cosh, -5, 5", "Asinh, -50, 50", "Acosh, 1, 50",
        "Atanh, -0.99, 0.99", "Erf, -5, 5", "Relu, -4, 4", "Sigmoid, -20, 20", "Tanh, -10, 10", "Softplus, -30, 30",
        "Softsign, -10, 10", "Elu, -5, 5", "Selu, -5, 5", "Celu, -5, 5", "HardSigmoid, -5, 5", "HardSwish, -5, 5",
        "LeakyRelu, -4, 4", "ThresholdedRelu, -3, 3", "Mish, -10, 10", "Shrink, -2, 2", "Gelu, -6, 6",
    })
    void unaryFloat32(String op, float lo, float hi) {
        KernelHarness.assertMatchesOrt(unary(op), OPSET, RTOL, ATOL, uniform(op.hashCode(), lo, hi, 7, 33));
    }

    @Test
    void activationAttributes() {
        Tensor x = uniform(3, -5, 5, 4, 25);
        KernelHarness.assertMatchesOrt(Node.builder("Gelu").input("x").output("y").attr("approximate", "tanh").build(), OPSET, RTOL, ATOL,
                x);
        KernelHarness.assertMatchesOrt(Node.builder("LeakyRelu").input("x").output("y").attr("alpha", 0.3f).build(), OPSET, RTOL, ATOL,
                x);
        KernelHarness.assertMatchesOrt(Node.builder("Elu").input("x").output("y").attr("alpha", 2.5f).build(), OPSET, RTOL, ATOL, x);
        KernelHarness.assertMatchesOrt(Node.builder("Celu").input("x").output("y").attr("alpha", 0.4f).build(), OPSET, RTOL, ATOL, x);
        KernelHarness.assertMatchesOrt(Node.builder("HardSigmoid").input("x").output("y").attr("alpha", 0.3f).attr("beta", 0.4f).build(),
                OPSET, RTOL, ATOL, x);
        KernelHarness.assertMatchesOrt(Node.builder("Shrink").input("x").output("y").attr("bias", 1.5f).attr("lambd", 1f).build(),
                OPSET, RTOL, ATOL, x);
        KernelHarness.assertMatchesOrt(Node.builder("ThresholdedRelu").input("x").output("y").attr("alpha", 2f).build(), OPSET, RTOL,
                ATOL, x);
        KernelHarness.assertMatchesOrt(Node.builder("Selu").input("x").output("y").attr("alpha", 2f).attr("gamma", 3f).build(), OPSET,
                RTOL, ATOL, x);
    }

    @ParameterizedTest
    @CsvSource({
        "DOUBLE, Abs Neg Exp Sqrt Floor Ceil Round Sign Sin Relu Sigmoid Tanh Log Reciprocal Shrink",
        "FLOAT16, Abs Neg Exp Sqrt Floor Ceil Round Sin Cos Atan Sinh Relu Sigmoid Tanh Log Reciprocal LeakyRelu Erf Elu HardSigmoid "
                + "HardSwish Softplus Softsign Gelu Mish Shrink",
    })
    void unaryOtherFloatTypes(DType type, String ops) {
        for (String op : ops.split(" ")) {
            float lo = op.equals("Sqrt") || op.equals("Log") || op.equals("Reciprocal") ? 0.5f : -4f;
            KernelHarness.assertMatchesOrt(unary(op), OPSET, 1e-3, 1e-3, as(type, uniform(op.hashCode(), lo, 4, 3, 17)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT8", "INT32", "INT64"})
    void unaryIntegers(DType type) {
        for (String op : new String[] {"Abs", "Neg", "Sign", "Relu"}) {
            if (op.equals("Relu") && type == DType.INT64) {
                continue; // ONNX Runtime has no int64 Relu
            }
            KernelHarness.assertMatchesOrt(unary(op), OPSET, 0, 0, as(type, uniform(op.hashCode(), -100, 100, 5, 7)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Add", "Sub", "Mul", "Div", "Max", "Min", "Sum", "Mean", "PRelu"})
    void binaryFloat32WithBroadcasting(String op) {
        Node n = Node.builder(op).inputs("a", "b").output("y").build();
        KernelHarness.assertMatchesOrt(n, OPSET, RTOL, ATOL, uniform(1, -3, 3, 4, 5, 6), uniform(2, 0.5f, 3, 4, 5, 6));
        KernelHarness.assertMatchesOrt(n, OPSET, RTOL, ATOL, uniform(1, -3, 3, 4, 5, 6), uniform(2, 0.5f, 3, 6));
        KernelHarness.assertMatchesOrt(n, OPSET, RTOL, ATOL, uniform(1, -3, 3, 4, 5, 6), uniform(2, 0.5f, 3, 5, 1));
        KernelHarness.assertMatchesOrt(n, OPSET, RTOL, ATOL, uniform(1, -3, 3, 4, 5, 6), uniform(2, 0.5f, 3));
        if (!op.equals("PRelu")) {
            KernelHarness.assertMatchesOrt(n, OPSET, RTOL, ATOL, uniform(1, 0.5f, 3, 4, 1, 6), uniform(2, -3, 3, 5, 1));
            KernelHarness.assertMatchesOrt(n, OPSET, RTOL, ATOL, uniform(1, 0.5f, 3), uniform(2, -3, 3, 3, 1, 7));
        }
    }

    @Test
    void largeTensorsSplitOverThreadsGiveTheSameResult() {
        Node add = Node.builder("Add").inputs("a", "b").output("y").build();
        KernelHarness.assertMatchesOrt(add, OPSET, 0, 0, uniform(1, -3, 3, 64, 1000), uniform(2, -3, 3, 64, 1));
        KernelHarness.assertMatchesOrt(unary("Sigmoid"), OPSET, RTOL, ATOL, uniform(3, -8, 8, 300, 1000));
        Node sum = Node.builder("Sum").inputs("a", "b", "c").output("y").build();
        KernelHarness.assertMatchesOrt(sum, OPSET, 1e-6, 1e-6, uniform(1, -3, 3, 200, 1000), uniform(2, -3, 3, 1000),
                uniform(4, -3, 3, 200, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"DOUBLE", "FLOAT16", "INT32", "INT64", "INT8", "UINT8"})
    void binaryOtherTypes(DType type) {
        boolean byteSized = type == DType.INT8 || type == DType.UINT8;
        for (String op : byteSized ? new String[] {"Add", "Sub", "Mul", "Div"} : new String[] {"Add", "Sub", "Mul", "Div", "Max", "Min"}) {
            Node n = Node.builder(op).inputs("a", "b").output("y").build();
            KernelHarness.assertMatchesOrt(n, OPSET, 1e-3, 1e-3, as(type, uniform(5, 1, 100, 3, 4)), as(type, uniform(6, 1, 9, 4)));
        }
    }

    @Test
    void modAndPow() {
        Node mod = Node.builder("Mod").inputs("a", "b").output("y").build();
        KernelHarness.assertMatchesOrt(mod, OPSET, 0, 0, as(DType.INT32, uniform(1, -50, 50, 4, 6)), Tensor.of(new int[] {-7, -3, -1, 2, 5, 9}, 6));
        Node fmod = Node.builder("Mod").inputs("a", "b").output("y").attr("fmod", 1L).build();
        KernelHarness.assertMatchesOrt(fmod, OPSET, 1e-6, 1e-6, uniform(1, -50, 50, 4, 6), uniform(2, 0.5f, 9, 6));
        KernelHarness.assertMatchesOrt(fmod, OPSET, 0, 0, as(DType.INT64, uniform(1, -50, 50, 4, 6)), as(DType.INT64, uniform(2, 1, 9, 6)));
        Node pow = Node.builder("Pow").inputs("a", "b").output("y").build();
        KernelHarness.assertMatchesOrt(pow, OPSET, RTOL, ATOL, uniform(1, 0.1f, 3, 4, 6), uniform(2, -3, 3, 6));
        KernelHarness.assertMatchesOrt(pow, OPSET, RTOL, ATOL, uniform(1, -3, 3, 4, 6), Tensor.of(new float[] {2}, 1));
        KernelHarness.assertMatchesOrt(pow, OPSET, RTOL, ATOL, uniform(1, 0, 3, 4, 6), Tensor.scalar(0.5f));
        KernelHarness.assertMatchesOrt(pow, OPSET, RTOL, ATOL, uniform(1, -3, 3, 4, 6), as(DType.INT64, uniform(2, 0, 4, 6)));
        KernelHarness.assertMatchesOrt(pow, OPSET, 0, 0, as(DType.INT32, uniform(1, -5, 5, 4, 6)), as(DType.INT32, uniform(2, 0, 5, 6)));
        KernelHarness.assertMatchesOrt(pow, OPSET, 0, 0, as(DType.INT64, uniform(1, 0, 5, 4, 6)), uniform(2, 0, 3, 6));
    }

    @Test
    void clipWithAndWithoutBounds() {
        Tensor x = uniform(1, -5, 5, 6, 7);
        KernelHarness.assertMatchesOrt(Node.builder("Clip").inputs("x", "lo", "hi").output("y").build(), OPSET, 0, 0, x,
                Tensor.scalar(-1f), Tensor.scalar(2f));
        KernelHarness.assertMatchesOrt(Node.builder("Clip").inputs("x", "", "hi").output("y").build(), OPSET, 0, 0, x, null,
                Tensor.scalar(2f));
        KernelHarness.assertMatchesOrt(Node.builder("Clip").inputs("x", "lo").output("y").build(), OPSET, 0, 0, x, Tensor.scalar(0f));
        KernelHarness.assertMatchesOrt(Node.builder("Clip").inputs("x", "lo", "hi").output("y").build(), OPSET, 0, 0,
                as(DType.INT32, uniform(2, -50, 50, 5, 5)), Tensor.scalar(-7), Tensor.scalar(9));
    }

    @Test
    void isNanAndIsInf() {
        Tensor x = Tensor.of(new float[] {1, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 3e38f}, 6);
        KernelHarness.assertMatchesOrt(unary("IsNaN"), OPSET, 0, 0, x);
        KernelHarness.assertMatchesOrt(unary("IsInf"), OPSET, 0, 0, x);
        KernelHarness.assertMatchesOrt(Node.builder("IsInf").input("x").output("y").attr("detect_positive", 0L).build(), OPSET, 0, 0, x);
        KernelHarness.assertMatchesOrt(Node.builder("IsInf").input("x").output("y").attr("detect_negative", 0L).build(), OPSET, 0, 0, x);
    }
}
