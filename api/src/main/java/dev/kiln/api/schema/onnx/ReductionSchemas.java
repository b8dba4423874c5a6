package dev.kiln.api.schema.onnx;

import static dev.kiln.api.schema.onnx.InferenceSupport.axis;
import static dev.kiln.api.schema.onnx.InferenceSupport.axisFlags;
import static dev.kiln.api.schema.onnx.InferenceSupport.constantInts;
import static dev.kiln.api.schema.onnx.InferenceSupport.inputName;
import static dev.kiln.api.schema.onnx.InferenceSupport.present;
import static dev.kiln.api.schema.onnx.InferenceSupport.reduced;
import static dev.kiln.api.schema.onnx.InferenceSupport.result;
import static dev.kiln.api.schema.onnx.InferenceSupport.shapeOf;
import static dev.kiln.api.schema.onnx.InferenceSupport.tensor;
import static dev.kiln.api.schema.onnx.InferenceSupport.tensorInput;
import static dev.kiln.api.schema.onnx.InferenceSupport.unknownDims;

import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.ir.ValueType.TensorType;
import dev.kiln.api.schema.InferenceContext;
import dev.kiln.api.schema.OpSchema;
import dev.kiln.api.schema.OpSchemaProvider;
import dev.kiln.api.schema.ShapeInference;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import java.util.Arrays;
import java.util.List;

/** ai.onnx reductions: the Reduce* family (axes as an input from opset 13/18) and ArgMax/ArgMin. */
public final class ReductionSchemas implements OpSchemaProvider {

    @Override
    public List<OpSchema> schemas() {
        ShapeInference reduce = ReductionSchemas::reduce;
        SchemaTable t = new SchemaTable();
        t.unary("ReduceSum", reduce, 1, 11).add("ReduceSum", 1, 2, 1, 1, reduce, 13);
        for (String op : List.of("ReduceMean", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare")) {
            t.unary(op, reduce, 1, 11, 13).add(op, 1, 2, 1, 1, reduce, 18);
        }
        for (String op : List.of("ReduceMax", "ReduceMin")) {
            t.unary(op, reduce, 1, 11, 12, 13).add(op, 1, 2, 1, 1, reduce, 18, 20);
        }
        t.unary("ArgMax", ReductionSchemas::argReduce, 1, 11, 12, 13).unary("ArgMin", ReductionSchemas::argReduce, 1, 11, 12, 13);
        return t.build();
    }

    /**
     * Reduces the axes given by the constant 'axes' input (or, in older opsets, attribute). Without axes
     * every axis is reduced unless noop_with_empty_axes is set; with axes of unknown value only the rank
     * (keepdims) or nothing is known.
     */
    private static List<ValueType> reduce(InferenceContext ctx) {
        Node node = ctx.node();
        TensorType x = tensorInput(ctx, 0);
        if (x == null || x.shape() == null) {
            return result(ctx, x);
        }
        Shape in = x.shape();
        boolean keepdims = node.getInt("keepdims", 1) != 0;
        long[] axes = constantInts(ctx, 1, "axes");
        if (axes == null && present(ctx, 1)) {
            return result(ctx, tensor(x.elementType(), unknownAxes(ctx, in, keepdims)));
        }
        boolean[] flags;
        if (axes == null || axes.length == 0) {
            flags = new boolean[in.rank()];
            Arrays.fill(flags, node.getInt("noop_with_empty_axes", 0) == 0);
        } else {
            flags = axisFlags(ctx, axes, in.rank(), "axis in " + (present(ctx, 1) ? inputName(ctx, 1) : "attribute 'axes'"));
        }
        return result(ctx, tensor(x.elementType(), reduced(in, flags, keepdims)));
    }

    /** With keepdims the rank stays and a size of 1 survives either way; without, only a known axes count helps. */
    private static Shape unknownAxes(InferenceContext ctx, Shape in, boolean keepdims) {
        if (keepdims) {
            Object[] d = new Object[in.rank()];
            for (int i = 0; i < d.length; i++) {
                d[i] = in.isKnown(i) && in.dim(i) == 1 ? (Object) 1L : null;
            }
            return Shape.symbolic(d);
        }
        Shape axesShape = shapeOf(ctx, 1);
        boolean countKnown = axesShape != null && axesShape.rank() == 1 && axesShape.isKnown(0) && axesShape.dim(0) > 0;
        return countKnown && axesShape.dim(0) <= in.rank() ? unknownDims(in.rank() - axesShape.dim(0)) : null;
    }

    private static List<ValueType> argReduce(InferenceContext ctx) {
        Shape in = shapeOf(ctx, 0);
        Shape out = null;
        if (in != null) {
            boolean[] flags = new boolean[in.rank()];
            flags[axis(ctx, ctx.node().getInt("axis", 0), in.rank(), "attribute 'axis'")] = true;
            out = reduced(in, flags, ctx.node().getInt("keepdims", 1) != 0);
        }
        return result(ctx, new TensorType(DType.INT64, out));
    }
}
