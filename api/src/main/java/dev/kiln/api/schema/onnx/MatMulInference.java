package dev.kiln.api.schema.onnx;

import static dev.kiln.api.schema.onnx.InferenceSupport.broadcast;
import static dev.kiln.api.schema.onnx.InferenceSupport.checkUnidirectional;
import static dev.kiln.api.schema.onnx.InferenceSupport.dim;
import static dev.kiln.api.schema.onnx.InferenceSupport.dims;
import static dev.kiln.api.schema.onnx.InferenceSupport.inputName;
import static dev.kiln.api.schema.onnx.InferenceSupport.invalid;
import static dev.kiln.api.schema.onnx.InferenceSupport.result;
import static dev.kiln.api.schema.onnx.InferenceSupport.sameElementType;
import static dev.kiln.api.schema.onnx.InferenceSupport.shape;
import static dev.kiln.api.schema.onnx.InferenceSupport.shapeOf;
import static dev.kiln.api.schema.onnx.InferenceSupport.tensor;

import dev.kiln.api.ir.ValueType;
import dev.kiln.api.schema.InferenceContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/** Output shapes of MatMul (numpy matmul: 1-D promotion, broadcast batch dimensions) and Gemm. */
final class MatMulInference {
    private MatMulInference() {
    }

    static List<ValueType> matMul(InferenceContext ctx) {
        DType type = sameElementType(ctx, 0, 1);
        Shape a = shapeOf(ctx, 0);
        Shape b = shapeOf(ctx, 1);
        if (a == null || b == null) {
            return result(ctx, tensor(type, null));
        }
        if (a.rank() == 0 || b.rank() == 0) {
            throw invalid(ctx, "expected operands of rank >= 1, got " + inputName(ctx, 0) + " " + a + " and " + inputName(ctx, 1) + " " + b);
        }
        // a 1-D A is a row [1,K] and a 1-D B a column [K,1]; the added dimension is dropped again below
        List<Object> ad = dims(a, 0, a.rank());
        List<Object> bd = dims(b, 0, b.rank());
        if (a.rank() == 1) {
            ad.add(0, 1L);
        }
        if (b.rank() == 1) {
            bd.add(1L);
        }
        Object ka = ad.get(ad.size() - 1);
        Object kb = bd.get(bd.size() - 2);
        if (ka instanceof Long x && kb instanceof Long y && !x.equals(y)) {
            throw invalid(ctx, "inner dimensions differ: " + inputName(ctx, 0) + " " + a + " has K = " + x + " but "
                    + inputName(ctx, 1) + " " + b + " has K = " + y);
        }
        Shape batch = broadcast(ctx, List.of(shape(ad.subList(0, ad.size() - 2)), shape(bd.subList(0, bd.size() - 2))),
                List.of("batch dimensions of " + inputName(ctx, 0) + " " + a, "batch dimensions of " + inputName(ctx, 1) + " " + b));
        List<Object> out = new ArrayList<>(dims(batch, 0, batch.rank()));
        if (a.rank() > 1) {
            out.add(ad.get(ad.size() - 2));
        }
        if (b.rank() > 1) {
            out.add(bd.get(bd.size() - 1));
        }
        return result(ctx, tensor(type, shape(out)));
    }

    static List<ValueType> gemm(InferenceContext ctx) {
        DType type = sameElementType(ctx, 0, 1, 2);
        Shape a = shapeOf(ctx, 0);
        Shape b = shapeOf(ctx, 1);
        requireMatrix(ctx, 0, a);
        requireMatrix(ctx, 1, b);
        boolean transA = ctx.node().getInt("transA", 0) != 0;
        boolean transB = ctx.node().getInt("transB", 0) != 0;
        Object m = a == null ? null : dim(a, transA ? 1 : 0);
        Object ka = a == null ? null : dim(a, transA ? 0 : 1);
        Object kb = b == null ? null : dim(b, transB ? 1 : 0);
        Object n = b == null ? null : dim(b, transB ? 0 : 1);
        if (ka instanceof Long x && kb instanceof Long y && !x.equals(y)) {
            throw invalid(ctx, "inner dimensions differ: " + inputName(ctx, 0) + " " + a + (transA ? " (transposed)" : "") + " has K = " + x
                    + " but " + inputName(ctx, 1) + " " + b + (transB ? " (transposed)" : "") + " has K = " + y);
        }
        Shape out = Shape.symbolic(m, n);
        checkUnidirectional(ctx, out, "the product", shapeOf(ctx, 2), inputName(ctx, 2));
        return result(ctx, tensor(type, out));
    }

    private static void requireMatrix(InferenceContext ctx, int i, Shape s) {
        if (s != null && s.rank() != 2) {
            throw invalid(ctx, inputName(ctx, i) + ": expected a 2-D matrix, got " + s);
        }
    }
}
