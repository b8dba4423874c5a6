package dev.kiln.api.schema.onnx;

import static dev.kiln.api.schema.onnx.InferenceSupport.axis;
import static dev.kiln.api.schema.onnx.InferenceSupport.broadcastInputs;
import static dev.kiln.api.schema.onnx.InferenceSupport.checkUnidirectional;
import static dev.kiln.api.schema.onnx.InferenceSupport.constantInts;
import static dev.kiln.api.schema.onnx.InferenceSupport.dims;
import static dev.kiln.api.schema.onnx.InferenceSupport.elementType;
import static dev.kiln.api.schema.onnx.InferenceSupport.inputName;
import static dev.kiln.api.schema.onnx.InferenceSupport.invalid;
import static dev.kiln.api.schema.onnx.InferenceSupport.requireElementType;
import static dev.kiln.api.schema.onnx.InferenceSupport.result;
import static dev.kiln.api.schema.onnx.InferenceSupport.sameAsInput;
import static dev.kiln.api.schema.onnx.InferenceSupport.sameElementType;
import static dev.kiln.api.schema.onnx.InferenceSupport.sameShapeAs;
import static dev.kiln.api.schema.onnx.InferenceSupport.shape;
import static dev.kiln.api.schema.onnx.InferenceSupport.shapeOf;
import static dev.kiln.api.schema.onnx.InferenceSupport.tensor;
import static dev.kiln.api.schema.onnx.InferenceSupport.tensorInput;
import static dev.kiln.api.schema.onnx.SchemaTable.VARIADIC;

import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.ir.ValueType.TensorType;
import dev.kiln.api.schema.InferenceContext;
import dev.kiln.api.schema.OpSchema;
import dev.kiln.api.schema.OpSchemaProvider;
import dev.kiln.api.schema.ShapeInference;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import java.util.List;
import java.util.stream.IntStream;

/**
 * ai.onnx math and elementwise ops: unary math and activations, broadcasting arithmetic, comparisons and
 * logic, variadic Sum/Mean/Min/Max, Where, MatMul, Gemm, Einsum, the softmax family, CumSum and TopK.
 */
public final class MathSchemas implements OpSchemaProvider {

    @Override
    public List<OpSchema> schemas() {
        ShapeInference same = sameAsInput(0);
        SchemaTable t = new SchemaTable();
        t.unary("Abs", same, 1, 6, 13).unary("Neg", same, 1, 6, 13).unary("Sign", same, 9, 13)
                .unary("Floor", same, 1, 6, 13).unary("Ceil", same, 1, 6, 13).unary("Round", same, 11, 22)
                .unary("Reciprocal", same, 1, 6, 13).unary("Sqrt", same, 1, 6, 13)
                .unary("Exp", same, 1, 6, 13).unary("Log", same, 1, 6, 13).unary("Erf", same, 9, 13)
                .unary("Sin", same, 7, 22).unary("Cos", same, 7, 22).unary("Tan", same, 7, 22)
                .unary("Asin", same, 7, 22).unary("Acos", same, 7, 22).unary("Atan", same, 7, 22)
                .unary("Sinh", same, 9, 22).unary("Cosh", same, 9, 22).unary("Asinh", same, 9, 22)
                .unary("Acosh", same, 9, 22).unary("Atanh", same, 9, 22);
        t.unary("Relu", same, 1, 6, 13, 14).unary("LeakyRelu", same, 1, 6, 16).unary("Sigmoid", same, 1, 6, 13)
                .unary("HardSigmoid", same, 1, 6, 22).unary("HardSwish", same, 14, 22).unary("Tanh", same, 1, 6, 13)
                .unary("Elu", same, 1, 6, 22).unary("Selu", same, 1, 6, 22).unary("Celu", same, 12, 28)
                .unary("Softplus", same, 1, 22).unary("Softsign", same, 1, 22).unary("Gelu", same, 20)
                .unary("Mish", same, 18, 22).unary("ThresholdedRelu", same, 10, 22)
                .binary("PRelu", MathSchemas::prelu, 1, 6, 7, 9, 16);
        t.add("Clip", 1, 1, 1, 1, same, 1, 6).add("Clip", 1, 3, 1, 1, MathSchemas::clip, 11, 12, 13);
        t.unary("Identity", ctx -> result(ctx, InferenceSupport.present(ctx, 0) ? ctx.inputType(0) : null),
                1, 13, 14, 16, 19, 21, 23, 24, 25);
        t.unary("Not", MathSchemas::not, 1).unary("IsNaN", sameShapeAs(DType.BOOL), 9, 13, 20)
                .unary("IsInf", sameShapeAs(DType.BOOL), 10, 20);

        ShapeInference arithmetic = broadcasting(true, null);
        t.binary("Add", arithmetic, 1, 6, 7, 13, 14).binary("Sub", arithmetic, 1, 6, 7, 13, 14)
                .binary("Mul", arithmetic, 1, 6, 7, 13, 14).binary("Div", arithmetic, 1, 6, 7, 13, 14)
                .binary("Mod", arithmetic, 10, 13).binary("Pow", broadcasting(false, null), 1, 7, 12, 13, 15);
        t.add("Min", 1, VARIADIC, 1, 1, arithmetic, 1, 6, 8, 12, 13).add("Max", 1, VARIADIC, 1, 1, arithmetic, 1, 6, 8, 12, 13)
                .add("Sum", 1, VARIADIC, 1, 1, arithmetic, 1, 6, 8, 13).add("Mean", 1, VARIADIC, 1, 1, arithmetic, 1, 6, 8, 13);
        ShapeInference compare = broadcasting(true, DType.BOOL);
        t.binary("Equal", compare, 1, 7, 11, 13, 19).binary("Less", compare, 1, 7, 9, 13)
                .binary("Greater", compare, 1, 7, 9, 13).binary("LessOrEqual", compare, 12, 16)
                .binary("GreaterOrEqual", compare, 12, 16);
        ShapeInference logic = ctx -> {
            requireElementType(ctx, 0, DType.BOOL);
            requireElementType(ctx, 1, DType.BOOL);
            return compare.infer(ctx);
        };
        t.binary("And", logic, 1, 7).binary("Or", logic, 1, 7).binary("Xor", logic, 1, 7);
        t.add("Where", 3, 3, 1, 1, MathSchemas::where, 9, 16);

        t.binary("MatMul", MatMulInference::matMul, 1, 9, 13);
        t.add("Gemm", 3, 3, 1, 1, MatMulInference::gemm, 1, 6, 7, 9).add("Gemm", 2, 3, 1, 1, MatMulInference::gemm, 11, 13);
        t.add("Einsum", 1, VARIADIC, 1, 1, EinsumInference::einsum, 12);
        t.unary("Softmax", MathSchemas::softmax, 1, 11, 13).unary("LogSoftmax", MathSchemas::softmax, 1, 11, 13)
                .unary("Hardmax", MathSchemas::softmax, 1, 11, 13);
        t.binary("CumSum", MathSchemas::cumSum, 11, 14);
        t.add("TopK", 1, 1, 2, 2, MathSchemas::topK, 1).add("TopK", 2, 2, 2, 2, MathSchemas::topK, 10, 11, 24);
        return t.build();
    }

    /**
     * Broadcasts every input; the element type is {@code fixed} when given, else input 0's (checked
     * equal across inputs when {@code sameType}).
     */
    static ShapeInference broadcasting(boolean sameType, DType fixed) {
        return ctx -> {
            int[] all = IntStream.range(0, ctx.node().inputs().size()).toArray();
            DType type = sameType ? sameElementType(ctx, all) : elementType(ctx, 0);
            // before opset 7 a 'broadcast' attribute aligned B inside A, so the result kept A's shape
            boolean legacy = ctx.opsetVersion() < 7 && ctx.node().getInt("broadcast", 0) != 0;
            Shape s = legacy ? shapeOf(ctx, 0) : broadcastInputs(ctx, all);
            return result(ctx, tensor(fixed != null ? fixed : type, s));
        };
    }

    private static List<ValueType> prelu(InferenceContext ctx) {
        checkUnidirectional(ctx, shapeOf(ctx, 0), inputName(ctx, 0), shapeOf(ctx, 1), inputName(ctx, 1));
        return result(ctx, tensor(sameElementType(ctx, 0, 1), shapeOf(ctx, 0)));
    }

    private static List<ValueType> clip(InferenceContext ctx) {
        return result(ctx, tensor(sameElementType(ctx, 0, 1, 2), shapeOf(ctx, 0)));
    }

    private static List<ValueType> not(InferenceContext ctx) {
        requireElementType(ctx, 0, DType.BOOL);
        return result(ctx, new TensorType(DType.BOOL, shapeOf(ctx, 0)));
    }

    private static List<ValueType> where(InferenceContext ctx) {
        requireElementType(ctx, 0, DType.BOOL);
        return result(ctx, tensor(sameElementType(ctx, 1, 2), broadcastInputs(ctx, 0, 1, 2)));
    }

    /** Softmax, LogSoftmax and Hardmax keep the input's type; the axis must fit its rank. */
    private static List<ValueType> softmax(InferenceContext ctx) {
        TensorType x = tensorInput(ctx, 0);
        // before opset 13 the default axis was 1 on an input coerced to 2-D, so only an explicit axis is checked there
        if (x != null && x.shape() != null && (ctx.opsetVersion() >= 13 || ctx.node().hasAttribute("axis"))) {
            axis(ctx, ctx.node().getInt("axis", -1), x.shape().rank(), "attribute 'axis'");
        }
        return result(ctx, x);
    }

    private static List<ValueType> cumSum(InferenceContext ctx) {
        TensorType x = tensorInput(ctx, 0);
        long[] a = constantInts(ctx, 1, null);
        if (x != null && x.shape() != null && a != null) {
            if (a.length != 1) {
                throw invalid(ctx, inputName(ctx, 1) + ": expected one axis, got " + a.length + " values");
            }
            axis(ctx, a[0], x.shape().rank(), inputName(ctx, 1));
        }
        return result(ctx, x);
    }

    private static List<ValueType> topK(InferenceContext ctx) {
        Node node = ctx.node();
        TensorType x = tensorInput(ctx, 0);
        Shape in = x == null ? null : x.shape();
        Shape out = null;
        if (in != null) {
            int ax = axis(ctx, node.getInt("axis", -1), in.rank(), "attribute 'axis'");
            // TopK-1 carried k as an attribute
            long[] k = InferenceSupport.present(ctx, 1) ? constantInts(ctx, 1, null)
                    : node.hasAttribute("k") ? new long[] {node.getInt("k", 0)} : null;
            List<Object> d = dims(in, 0, in.rank());
            d.set(ax, null);
            if (k != null) {
                if (k.length != 1 || k[0] < 0) {
                    throw invalid(ctx, inputName(ctx, 1) + ": expected one non-negative k, got " + java.util.Arrays.toString(k));
                }
                if (in.isKnown(ax) && k[0] > in.dim(ax)) {
                    throw invalid(ctx, "k = " + k[0] + " exceeds dimension " + ax + " of " + inputName(ctx, 0) + " " + in);
                }
                d.set(ax, k[0]);
            }
            out = shape(d);
        }
        return result(ctx, tensor(x == null ? null : x.elementType(), out), new TensorType(DType.INT64, out));
    }
}
