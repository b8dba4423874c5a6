package dev.kiln.runtime.conformance;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Generates the cases of one op and element type: every attribute variant on edge shapes (scalars, empty
 * tensors, broadcasting, 1-D promotion, large and odd sizes). Values are seeded by the case name, so a
 * failing case is reproducible. Stateless.
 */
final class CaseGenerator {
    private static final long[][] UNARY_SHAPES = {{}, {0}, {0, 3}, {1}, {7}, {3, 5}, {2, 3, 4}, {67, 131}};
    private static final long[][][] BINARY_SHAPES = {
        {{3, 4}, {3, 4}}, {{}, {3, 4}}, {{3, 4}, {}}, {{}, {}}, {{2, 3, 4}, {4}}, {{3, 1}, {1, 4}}, {{2, 1, 4}, {3, 1}},
        {{0, 4}, {4}}, {{67, 131}, {131}}};
    private static final long[][][] MATMUL_SHAPES = {
        {{2, 3}, {3, 4}}, {{3}, {3, 4}}, {{2, 3}, {3}}, {{3}, {3}}, {{2, 2, 3}, {3, 4}}, {{2, 1, 3, 4}, {3, 4, 5}},
        {{0, 3}, {3, 4}}, {{4, 0}, {0, 5}}, {{33, 65}, {65, 17}}};
    private static final long[][] AXIS_SHAPES = {{5}, {3, 4, 5}, {0, 4}, {7, 131}};

    private CaseGenerator() {
    }

    static List<KitCase> cases(KitOp op, DType type) {
        List<KitCase> out = new ArrayList<>();
        for (Map<String, Object> attrs : op.attributes()) {
            Node node = node(op.opType(), op.shape() == KitOp.ShapeKind.UNARY || op.shape() == KitOp.ShapeKind.AXIS ? 1 : 2, attrs);
            String label = attrs.isEmpty() ? "" : " " + new TreeMap<>(attrs).toString().replace("{", "(").replace("}", ")");
            for (long[][] shapes : shapes(op.shape())) {
                if (op.shape() == KitOp.ShapeKind.AXIS && !axisFits(attrs, shapes[0].length)) {
                    continue;
                }
                StringBuilder name = new StringBuilder(op.opType()).append(' ').append(type.typeName()).append(' ');
                List<Tensor> inputs = new ArrayList<>();
                for (int i = 0; i < shapes.length; i++) {
                    name.append(i == 0 ? "" : op.shape() == KitOp.ShapeKind.MATMUL ? " x " : " , ").append(Shape.of(shapes[i]));
                }
                name.append(label);
                Random random = new Random(name.toString().hashCode());
                for (int i = 0; i < shapes.length; i++) {
                    inputs.add(values(type, shapes[i], op.range(), i, random));
                }
                out.add(new KitCase(name.toString(), node, inputs));
            }
        }
        return out;
    }

    /** The op's node with inputs {@code x0..}, output {@code y}, and the given attributes. */
    static Node node(String opType, int inputs, Map<String, Object> attrs) {
        Node.Builder b = Node.builder(opType).name(opType.toLowerCase() + "_case").output("y");
        for (int i = 0; i < inputs; i++) {
            b.input("x" + i);
        }
        attrs.forEach((k, v) -> {
            if (v instanceof Float f) {
                b.attr(k, f.floatValue());
            } else if (v instanceof Long l) {
                b.attr(k, l.longValue());
            } else if (v instanceof long[] ls) {
                b.attr(k, ls);
            } else {
                b.attr(k, v.toString());
            }
        });
        return b.build();
    }

    private static long[][][] shapes(KitOp.ShapeKind kind) {
        return switch (kind) {
            case UNARY -> Arrays.stream(UNARY_SHAPES).map(s -> new long[][] {s}).toArray(long[][][]::new);
            case AXIS -> Arrays.stream(AXIS_SHAPES).map(s -> new long[][] {s}).toArray(long[][][]::new);
            case BINARY -> BINARY_SHAPES;
            case MATMUL -> MATMUL_SHAPES;
        };
    }

    private static boolean axisFits(Map<String, Object> attrs, int rank) {
        long axis = attrs.get("axis") instanceof Long l ? l : -1;
        return axis >= -rank && axis < rank;
    }

    private static Tensor values(DType type, long[] dims, KitOp.ValueRange range, int input, Random r) {
        int n = Math.toIntExact(Shape.of(dims).elementCount());
        double[] v = new double[n];
        boolean integral = !type.isFloatingPoint();
        for (int i = 0; i < n; i++) {
            v[i] = switch (range) {
                case POSITIVE -> 0.1 + 3.9 * r.nextDouble();
                case NONZERO_DIVISOR -> input == 1 ? (r.nextBoolean() ? 1 : -1) * (integral ? 1 + r.nextInt(9) : 0.5 + 3.5 * r.nextDouble()) : any(integral, r);
                case ANY -> any(integral, r);
            };
        }
        if (range == KitOp.ValueRange.ANY && !integral && n > 2) {
            // signed zeros are where sign handling (Relu, Abs, Neg, Max) goes wrong
            v[0] = 0.0;
            v[1] = -0.0;
        }
        long[] d = dims.clone();
        return switch (type) {
            case FLOAT -> {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) v[i];
                }
                yield Tensor.of(f, d);
            }
            case DOUBLE -> Tensor.of(v, d);
            case INT32 -> Tensor.of(Arrays.stream(v).mapToInt(x -> (int) x).toArray(), d);
            case INT64 -> Tensor.of(Arrays.stream(v).mapToLong(x -> (long) x).toArray(), d);
            default -> throw new IllegalArgumentException("the kit generates no " + type + " values");
        };
    }

    private static double any(boolean integral, Random r) {
        return integral ? r.nextInt(41) - 20 : 8 * r.nextDouble() - 4;
    }
}
