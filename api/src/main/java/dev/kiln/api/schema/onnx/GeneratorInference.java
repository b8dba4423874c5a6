package dev.kiln.api.schema.onnx;

import static dev.kiln.api.schema.onnx.InferenceSupport.axis;
import static dev.kiln.api.schema.onnx.InferenceSupport.constantInts;
import static dev.kiln.api.schema.onnx.InferenceSupport.dims;
import static dev.kiln.api.schema.onnx.InferenceSupport.elementType;
import static dev.kiln.api.schema.onnx.InferenceSupport.inputName;
import static dev.kiln.api.schema.onnx.InferenceSupport.invalid;
import static dev.kiln.api.schema.onnx.InferenceSupport.result;
import static dev.kiln.api.schema.onnx.InferenceSupport.sameElementType;
import static dev.kiln.api.schema.onnx.InferenceSupport.shape;
import static dev.kiln.api.schema.onnx.InferenceSupport.shapeOf;
import static dev.kiln.api.schema.onnx.InferenceSupport.tensor;

import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.AttributeType;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.ir.ValueType.TensorType;
import dev.kiln.api.schema.InferenceContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Ops whose output type comes from attributes or whose shape comes from values: Shape, Size, Cast, Constant, Range... */
final class GeneratorInference {
    private GeneratorInference() {
    }

    /** A 1-D int64 tensor as long as the (start/end-clamped) rank. */
    static List<ValueType> shapeOp(InferenceContext ctx) {
        Shape in = shapeOf(ctx, 0);
        if (in == null) {
            return result(ctx, new TensorType(DType.INT64, Shape.symbolic((Object) null)));
        }
        int r = in.rank();
        long start = clampAxis(ctx.node().getInt("start", 0), r);
        long end = clampAxis(ctx.node().getInt("end", r), r);
        return result(ctx, new TensorType(DType.INT64, Shape.of(Math.max(0, end - start))));
    }

    private static long clampAxis(long a, int rank) {
        return Math.max(0, Math.min(rank, a < 0 ? a + rank : a));
    }

    static List<ValueType> size(InferenceContext ctx) {
        return result(ctx, new TensorType(DType.INT64, Shape.scalar()));
    }

    static List<ValueType> cast(InferenceContext ctx) {
        Attribute to = ctx.node().attribute("to");
        if (to == null) {
            throw invalid(ctx, "attribute 'to' is required");
        }
        DType target;
        try {
            // Cast-1 named the type as a string, later versions by its code
            target = to.type() == AttributeType.STRING ? DType.valueOf(to.asString().toUpperCase(Locale.ROOT))
                    : DType.fromCode(Math.toIntExact(to.asLong()));
        } catch (IllegalArgumentException | IllegalStateException | ArithmeticException e) {
            throw invalid(ctx, "attribute 'to' is " + to.value() + ", not an ONNX element type");
        }
        return result(ctx, new TensorType(target, shapeOf(ctx, 0)));
    }

    static List<ValueType> castLike(InferenceContext ctx) {
        return result(ctx, tensor(elementType(ctx, 1), shapeOf(ctx, 0)));
    }

    /** The type of whichever value attribute the node carries; exactly one is allowed. */
    static List<ValueType> constant(InferenceContext ctx) {
        Node node = ctx.node();
        List<String> kinds = List.of("value", "sparse_value", "value_float", "value_floats", "value_int", "value_ints",
                "value_string", "value_strings");
        List<String> given = kinds.stream().filter(node::hasAttribute).toList();
        if (given.size() != 1) {
            throw invalid(ctx, "expected exactly one of " + kinds + ", got " + given);
        }
        Attribute a = node.attribute(given.get(0));
        TensorType t = switch (given.get(0)) {
            case "value", "sparse_value" -> new TensorType(a.asTensor().dtype(), a.asTensor().shape());
            case "value_float" -> new TensorType(DType.FLOAT, Shape.scalar());
            case "value_floats" -> new TensorType(DType.FLOAT, Shape.of(a.asFloats().length));
            case "value_int" -> new TensorType(DType.INT64, Shape.scalar());
            case "value_ints" -> new TensorType(DType.INT64, Shape.of(a.asLongs().length));
            case "value_string" -> new TensorType(DType.STRING, Shape.scalar());
            default -> new TensorType(DType.STRING, Shape.of(a.asStrings().size()));
        };
        return result(ctx, t);
    }

    /** The element type of the 'value' attribute (float32 by default), the shape from the constant input. */
    static List<ValueType> constantOfShape(InferenceContext ctx) {
        Attribute value = ctx.node().attribute("value");
        DType type = DType.FLOAT;
        if (value != null) {
            Tensor v = value.asTensor();
            if (v.elementCount() != 1) {
                throw invalid(ctx, "attribute 'value' must hold one element, got " + v.describe());
            }
            type = v.dtype();
        }
        long[] dims = constantInts(ctx, 0, null);
        if (dims == null) {
            return result(ctx, new TensorType(type, ReshapeInference.rankFromLength(shapeOf(ctx, 0))));
        }
        if (Arrays.stream(dims).anyMatch(d -> d < 0)) {
            throw invalid(ctx, inputName(ctx, 0) + ": expected sizes >= 0, got " + Arrays.toString(dims));
        }
        return result(ctx, new TensorType(type, Shape.of(dims)));
    }

    /** 1-D with max(ceil((limit - start) / delta), 0) elements when all three are constants. */
    static List<ValueType> range(InferenceContext ctx) {
        DType type = sameElementType(ctx, 0, 1, 2);
        Tensor start = ctx.constantInput(0);
        Tensor limit = ctx.constantInput(1);
        Tensor delta = ctx.constantInput(2);
        if (start == null || limit == null || delta == null || !start.isHost() || !limit.isHost() || !delta.isHost()) {
            return result(ctx, tensor(type, Shape.symbolic((Object) null)));
        }
        for (int i = 0; i < 3; i++) {
            if (ctx.constantInput(i).elementCount() != 1) {
                throw invalid(ctx, inputName(ctx, i) + ": expected a scalar, got " + ctx.constantInput(i).describe());
            }
        }
        long count;
        if (start.dtype().isInteger()) {
            long s = start.getLong(0);
            long l = limit.getLong(0);
            long d = delta.getLong(0);
            if (d == 0) {
                throw invalid(ctx, inputName(ctx, 2) + ": delta must not be 0");
            }
            count = -Math.floorDiv(-(l - s), d);
        } else {
            double d = delta.getDouble(0);
            if (d == 0) {
                throw invalid(ctx, inputName(ctx, 2) + ": delta must not be 0");
            }
            // the difference is taken in the element type, as runtimes do, then divided in double
            double diff = start.dtype() == DType.DOUBLE ? limit.getDouble(0) - start.getDouble(0) : limit.getFloat(0) - start.getFloat(0);
            count = (long) Math.ceil(diff / d);
        }
        return result(ctx, tensor(type != null ? type : start.dtype(), Shape.of(Math.max(0, count))));
    }

    /** Indices' shape with a new axis of size 'depth' inserted; the element type of 'values'. */
    static List<ValueType> oneHot(InferenceContext ctx) {
        DType type = elementType(ctx, 2);
        Shape indices = shapeOf(ctx, 0);
        if (indices == null) {
            return result(ctx, tensor(type, null));
        }
        int rank = indices.rank() + 1;
        int ax = axis(ctx, ctx.node().getInt("axis", -1), rank, "attribute 'axis'");
        Tensor depthValue = ctx.constantInput(1);
        Object depth = null;
        if (depthValue != null && depthValue.isHost()) {
            if (depthValue.elementCount() != 1 || depthValue.getDouble(0) < 1) {
                throw invalid(ctx, inputName(ctx, 1) + ": expected one positive depth, got " + depthValue);
            }
            depth = (long) depthValue.getDouble(0);
        }
        List<Object> out = dims(indices, 0, indices.rank());
        out.add(ax, depth);
        return result(ctx, tensor(type, shape(out)));
    }

    /** A [rank, count] int64 matrix whose count is only known at run time. */
    static List<ValueType> nonZero(InferenceContext ctx) {
        Shape in = shapeOf(ctx, 0);
        return result(ctx, new TensorType(DType.INT64, Shape.symbolic(in == null ? null : (Object) (long) in.rank(), null)));
    }
}
