package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.AttributeType;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.List;

/** Small helpers shared by the adapters: constants from attributes, static type queries, errors. */
final class AdapterSupport {
    private AdapterSupport() {
    }

    /** A name hint for a value derived from {@code node}: its first output plus a suffix. */
    static String hint(Node node, String suffix) {
        String base = node.output(0).isEmpty() ? node.opType() : node.output(0);
        return base + "_" + suffix;
    }

    /** The INT or INTS attribute as a 1-D int64 constant input; returns its name. */
    static String int64Input(AdapterContext ctx, Node node, Attribute a) {
        long[] v = a.type() == AttributeType.INTS ? a.asLongs() : new long[] {a.asLong()};
        return ctx.addConstant(hint(node, a.name()), Tensor.of(v, v.length));
    }

    /**
     * A scalar constant holding {@code value} in the element type of value {@code like}. When that type is
     * not known statically, a float constant is cast with a CastLike node appended to {@code pre}.
     */
    static String scalarLike(AdapterContext ctx, Node node, double value, String like, String suffix, List<Node> pre) {
        DType t = elementType(ctx, like);
        if (t != null) {
            return ctx.addConstant(hint(node, suffix), scalar(t, value));
        }
        String f = ctx.addConstant(hint(node, suffix + "_f"), Tensor.scalar((float) value));
        String cast = ctx.freshName(hint(node, suffix));
        pre.add(Node.builder("CastLike").inputs(f, like).output(cast).build());
        return cast;
    }

    /** The tensor element type of a value, or null when unknown. */
    static DType elementType(AdapterContext ctx, String value) {
        return ctx.typeOf(value) instanceof ValueType.TensorType t ? t.elementType() : null;
    }

    /** The rank of a tensor value, or -1 when unknown. */
    static int rank(AdapterContext ctx, String value) {
        if (ctx.typeOf(value) instanceof ValueType.TensorType t && t.shape() != null) {
            return t.shape().rank();
        }
        Tensor c = ctx.constantValue(value);
        return c == null ? -1 : c.rank();
    }

    /** A scalar of element type {@code t} holding {@code v} (narrow floats rounded to nearest). */
    static Tensor scalar(DType t, double v) {
        return Tensor.wrap(t, Shape.scalar(), array(t, new double[] {v}));
    }

    /** A 1-D tensor of element type {@code t} holding {@code v} (narrow floats rounded to nearest). */
    static Tensor vector(DType t, double[] v) {
        return Tensor.of(t, array(t, v), v.length);
    }

    private static Object array(DType t, double[] v) {
        Object a = Tensor.newArray(t.storage(), v.length);
        for (int i = 0; i < v.length; i++) {
            switch (t.storage()) {
                case FLOAT -> ((float[]) a)[i] = (float) v[i];
                case DOUBLE -> ((double[]) a)[i] = v[i];
                case LONG -> ((long[]) a)[i] = (long) v[i];
                case INT -> ((int[]) a)[i] = (int) v[i];
                case SHORT -> ((short[]) a)[i] = t == DType.FLOAT16 ? FloatFormats.floatToHalf((float) v[i])
                        : t == DType.BFLOAT16 ? FloatFormats.floatToBfloat16((float) v[i]) : (short) v[i];
                case BYTE -> ((byte[]) a)[i] = (byte) v[i];
                case BOOLEAN -> ((boolean[]) a)[i] = v[i] != 0;
                case STRING -> throw new IllegalArgumentException("no numeric tensor of type string");
            }
        }
        return a;
    }

    /** The value of constant input {@code i}, which an older opset takes as an attribute; refuses a computed one. */
    static Tensor constantInput(Node node, int i, AdapterContext ctx, String what) {
        Tensor t = ctx.constantValue(node.input(i));
        if (t == null) {
            throw unsupported(node, ctx, what + " (input '" + node.input(i) + "') is computed, but opset " + ctx.opset()
                    + " takes it as an attribute, so it must be a constant");
        }
        return t;
    }

    /** The elements of an integer tensor as longs. */
    static long[] longs(Tensor t) {
        long[] v = new long[t.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.getLong(i);
        }
        return v;
    }

    /** The elements of a numeric tensor as floats. */
    static float[] floats(Tensor t) {
        float[] v = new float[t.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) t.getDouble(i);
        }
        return v;
    }

    /** A one-element tensor's value as a float; refuses tensors of other sizes. */
    static float single(Node node, Tensor t, AdapterContext ctx, String what) {
        if (t.size() != 1) {
            throw unsupported(node, ctx, what + " must hold one value, got " + t.size());
        }
        return (float) t.getDouble(0);
    }

    /** A builder for {@code node} keeping only its first {@code n} inputs. */
    static Node.Builder firstInputs(Node node, int n) {
        return node.toBuilder().clearInputs().inputs(node.inputs().subList(0, Math.min(n, node.inputs().size())));
    }

    /** The static dims of a value (-1 for an unknown dim), or null when its rank is unknown. */
    static long[] dims(AdapterContext ctx, String value) {
        if (ctx.typeOf(value) instanceof ValueType.TensorType t && t.shape() != null) {
            return t.shape().dims();
        }
        Tensor c = ctx.constantValue(value);
        return c == null ? null : c.shape().dims();
    }

    static UnsupportedOpException unsupported(Node node, AdapterContext ctx, String why) {
        return new UnsupportedOpException(node.opType(), node.domain(), ctx.opset(), node.describe() + ": " + why);
    }
}
