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
        Object a = Tensor.newArray(t.storage(), 1);
        switch (t.storage()) {
            case FLOAT -> ((float[]) a)[0] = (float) v;
            case DOUBLE -> ((double[]) a)[0] = v;
            case LONG -> ((long[]) a)[0] = (long) v;
            case INT -> ((int[]) a)[0] = (int) v;
            case SHORT -> ((short[]) a)[0] = t == DType.FLOAT16 ? FloatFormats.floatToHalf((float) v)
                    : t == DType.BFLOAT16 ? FloatFormats.floatToBfloat16((float) v) : (short) v;
            case BYTE -> ((byte[]) a)[0] = (byte) v;
            case BOOLEAN -> ((boolean[]) a)[0] = v != 0;
            case STRING -> throw new IllegalArgumentException("no numeric scalar of type string");
        }
        return Tensor.wrap(t, Shape.scalar(), a);
    }

    static UnsupportedOpException unsupported(Node node, AdapterContext ctx, String why) {
        return new UnsupportedOpException(node.opType(), node.domain(), ctx.opset(), node.describe() + ": " + why);
    }
}
