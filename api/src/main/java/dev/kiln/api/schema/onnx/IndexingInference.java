package dev.kiln.api.schema.onnx;

import static dev.kiln.api.schema.onnx.InferenceSupport.axis;
import static dev.kiln.api.schema.onnx.InferenceSupport.constantInts;
import static dev.kiln.api.schema.onnx.InferenceSupport.dim;
import static dev.kiln.api.schema.onnx.InferenceSupport.dims;
import static dev.kiln.api.schema.onnx.InferenceSupport.elementType;
import static dev.kiln.api.schema.onnx.InferenceSupport.inputName;
import static dev.kiln.api.schema.onnx.InferenceSupport.invalid;
import static dev.kiln.api.schema.onnx.InferenceSupport.present;
import static dev.kiln.api.schema.onnx.InferenceSupport.requireElementType;
import static dev.kiln.api.schema.onnx.InferenceSupport.result;
import static dev.kiln.api.schema.onnx.InferenceSupport.sameElementType;
import static dev.kiln.api.schema.onnx.InferenceSupport.shape;
import static dev.kiln.api.schema.onnx.InferenceSupport.shapeOf;
import static dev.kiln.api.schema.onnx.InferenceSupport.tensor;
import static dev.kiln.api.schema.onnx.InferenceSupport.unknownDims;

import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.schema.InferenceContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/** Ops that select or join parts of tensors: Slice, Split, Concat, Pad, Gather, GatherElements. */
final class IndexingInference {
    /** An end at or beyond this means "to the end" whatever the (possibly unknown) size. */
    private static final long TO_END = Integer.MAX_VALUE;

    private IndexingInference() {
    }

    static List<ValueType> slice(InferenceContext ctx) {
        DType type = elementType(ctx, 0);
        Shape in = shapeOf(ctx, 0);
        if (in == null) {
            return result(ctx, tensor(type, null));
        }
        // Slice-1 held starts, ends and axes as attributes
        long[] starts = constantInts(ctx, 1, "starts");
        long[] ends = constantInts(ctx, 2, "ends");
        long[] axes = constantInts(ctx, 3, "axes");
        long[] steps = constantInts(ctx, 4, null);
        boolean axesUnknown = axes == null && (present(ctx, 3) || ctx.node().hasAttribute("axes"));
        if (axesUnknown || starts == null || ends == null || (steps == null && present(ctx, 4))) {
            // only the named axes change; without known axes any of them may
            if (axes == null) {
                return result(ctx, tensor(type, unknownDims(in.rank())));
            }
            List<Object> out = dims(in, 0, in.rank());
            for (long a : axes) {
                out.set(axis(ctx, a, in.rank(), "slice axis"), null);
            }
            return result(ctx, tensor(type, shape(out)));
        }
        if (axes == null) {
            axes = IntStream.range(0, starts.length).asLongStream().toArray();
        }
        if (steps == null) {
            steps = new long[starts.length];
            Arrays.fill(steps, 1);
        }
        if (ends.length != starts.length || axes.length != starts.length || steps.length != starts.length) {
            throw invalid(ctx, "starts " + Arrays.toString(starts) + ", ends " + Arrays.toString(ends) + ", axes " + Arrays.toString(axes)
                    + " and steps " + Arrays.toString(steps) + " must have the same length");
        }
        List<Object> out = dims(in, 0, in.rank());
        boolean[] seen = new boolean[in.rank()];
        for (int k = 0; k < starts.length; k++) {
            int ax = axis(ctx, axes[k], in.rank(), "slice axis");
            if (seen[ax] || steps[k] == 0) {
                throw invalid(ctx, "axis " + ax + " is sliced twice or with step 0 (axes " + Arrays.toString(axes) + ", steps "
                        + Arrays.toString(steps) + ")");
            }
            seen[ax] = true;
            if (in.isKnown(ax)) {
                out.set(ax, sliceLength(in.dim(ax), starts[k], ends[k], steps[k]));
            } else if (!(starts[k] == 0 && ends[k] >= TO_END && steps[k] == 1)) {
                out.set(ax, null);
            }
        }
        return result(ctx, tensor(type, shape(out)));
    }

    /** Elements a slice takes from an axis of size {@code d}, with negative indices and clamping as ONNX defines. */
    static long sliceLength(long d, long start, long end, long step) {
        if (d == 0) {
            return 0;
        }
        long s = start < 0 ? start + d : start;
        long e = end < 0 ? end + d : end;
        if (step > 0) {
            s = Math.max(0, Math.min(d, s));
            e = Math.max(0, Math.min(d, e));
            return e > s ? (e - s + step - 1) / step : 0;
        }
        s = Math.max(0, Math.min(d - 1, s));
        e = Math.max(-1, Math.min(d - 1, e));
        return s > e ? (s - e - step - 1) / -step : 0;
    }

    static List<ValueType> split(InferenceContext ctx) {
        Node node = ctx.node();
        DType type = elementType(ctx, 0);
        Shape in = shapeOf(ctx, 0);
        int outputs = node.outputs().size();
        ValueType[] types = new ValueType[outputs];
        Arrays.fill(types, tensor(type, null));
        if (in == null) {
            return result(ctx, types);
        }
        int ax = axis(ctx, node.getInt("axis", 0), in.rank(), "attribute 'axis'");
        long[] split = constantInts(ctx, 1, "split");
        long[] sizes = null;
        if (split != null) {
            if (split.length != outputs || Arrays.stream(split).anyMatch(v -> v < 0)
                    || (in.isKnown(ax) && Arrays.stream(split).sum() != in.dim(ax))) {
                throw invalid(ctx, "split sizes " + Arrays.toString(split) + " do not divide axis " + ax + " of " + inputName(ctx, 0) + " "
                        + in + " into " + outputs + " outputs");
            }
            sizes = split;
        } else if (!present(ctx, 1) && in.isKnown(ax)) {
            sizes = evenSplit(ctx, in, ax, outputs);
        }
        for (int k = 0; k < outputs; k++) {
            List<Object> d = dims(in, 0, in.rank());
            d.set(ax, sizes == null ? null : (Object) sizes[k]);
            types[k] = tensor(type, shape(d));
        }
        return result(ctx, types);
    }

    /** num_outputs gives ceil-sized chunks with a smaller last one; without it the axis must divide evenly. */
    private static long[] evenSplit(InferenceContext ctx, Shape in, int ax, int outputs) {
        long d = in.dim(ax);
        boolean numOutputs = ctx.node().hasAttribute("num_outputs");
        if (numOutputs && ctx.node().getInt("num_outputs", 0) != outputs) {
            throw invalid(ctx, "attribute 'num_outputs' is " + ctx.node().getInt("num_outputs", 0) + " but the node has " + outputs + " outputs");
        }
        long chunk = numOutputs ? (d + outputs - 1) / outputs : d / outputs;
        long last = d - chunk * (outputs - 1);
        if ((!numOutputs && d % outputs != 0) || last < 0) {
            throw invalid(ctx, "axis " + ax + " of " + inputName(ctx, 0) + " " + in + " (size " + d + ") cannot be split into " + outputs + " parts");
        }
        long[] sizes = new long[outputs];
        Arrays.fill(sizes, chunk);
        sizes[outputs - 1] = last;
        return sizes;
    }

    static List<ValueType> concat(InferenceContext ctx) {
        int n = ctx.node().inputs().size();
        DType type = sameElementType(ctx, IntStream.range(0, n).toArray());
        // Concat-1 defaulted the axis to 1; later versions require it
        if (!ctx.node().hasAttribute("axis") && ctx.opsetVersion() >= 4) {
            throw invalid(ctx, "attribute 'axis' is required");
        }
        long axisValue = ctx.node().getInt("axis", 1);
        Shape first = null;
        int firstAt = -1;
        for (int i = 0; i < n && first == null; i++) {
            first = shapeOf(ctx, i);
            firstAt = i;
        }
        if (first == null) {
            return result(ctx, tensor(type, null));
        }
        int ax = axis(ctx, axisValue, first.rank(), "attribute 'axis'");
        List<Object> out = dims(first, 0, first.rank());
        long total = 0;
        for (int i = 0; i < n; i++) {
            Shape s = shapeOf(ctx, i);
            if (s == null) {
                total = -1;
                continue;
            }
            if (s.rank() != first.rank()) {
                throw invalid(ctx, inputName(ctx, i) + " " + s + " has rank " + s.rank() + " but " + inputName(ctx, firstAt) + " " + first
                        + " has rank " + first.rank());
            }
            for (int j = 0; j < s.rank(); j++) {
                if (j != ax) {
                    out.set(j, mergeDim(ctx, out.get(j), dim(s, j), j, inputName(ctx, i) + " " + s, inputName(ctx, firstAt) + " " + first));
                }
            }
            total = total < 0 || !s.isKnown(ax) ? -1 : total + s.dim(ax);
        }
        out.set(ax, total < 0 ? (n == 1 ? dim(first, ax) : null) : (Object) total);
        return result(ctx, tensor(type, shape(out)));
    }

    /** Two descriptions of one dimension: known sizes must agree; a known size beats a symbol. */
    private static Object mergeDim(InferenceContext ctx, Object a, Object b, int j, String bLabel, String aLabel) {
        if (a instanceof Long x && b instanceof Long y && !x.equals(y)) {
            throw invalid(ctx, "dimension " + j + " differs: " + aLabel + " vs " + bLabel);
        }
        return a instanceof Long ? a : b instanceof Long ? b : a != null && a.equals(b) ? a : null;
    }

    static List<ValueType> pad(InferenceContext ctx) {
        DType type = elementType(ctx, 0);
        Shape in = shapeOf(ctx, 0);
        if (in == null) {
            return result(ctx, tensor(type, null));
        }
        // Pad-2 held the pads as an attribute, Pad-1 under another name
        long[] pads = constantInts(ctx, 1, ctx.node().hasAttribute("paddings") ? "paddings" : "pads");
        long[] axes = constantInts(ctx, 3, null);
        if (pads == null || (axes == null && present(ctx, 3))) {
            return result(ctx, tensor(type, unknownDims(in.rank())));
        }
        if (axes == null) {
            axes = IntStream.range(0, in.rank()).asLongStream().toArray();
        }
        if (pads.length != 2 * axes.length) {
            throw invalid(ctx, "pads " + Arrays.toString(pads) + " should hold " + 2 * axes.length + " values (begin and end for "
                    + axes.length + " axes of " + inputName(ctx, 0) + " " + in + ")");
        }
        List<Object> out = dims(in, 0, in.rank());
        for (int k = 0; k < axes.length; k++) {
            int ax = axis(ctx, axes[k], in.rank(), "pad axis");
            long added = pads[k] + pads[k + axes.length];
            if (in.isKnown(ax)) {
                long size = in.dim(ax) + added;
                if (size < 0) {
                    throw invalid(ctx, "pads " + Arrays.toString(pads) + " remove more than axis " + ax + " of " + inputName(ctx, 0) + " " + in + " holds");
                }
                out.set(ax, size);
            } else if (added != 0) {
                out.set(ax, null);
            }
        }
        return result(ctx, tensor(type, shape(out)));
    }

    /** Output = data[:axis] + indices.shape + data[axis+1:]. */
    static List<ValueType> gather(InferenceContext ctx) {
        requireElementType(ctx, 1, DType.INT32, DType.INT64);
        DType type = elementType(ctx, 0);
        Shape data = shapeOf(ctx, 0);
        Shape indices = shapeOf(ctx, 1);
        if (data == null) {
            return result(ctx, tensor(type, null));
        }
        int ax = axis(ctx, ctx.node().getInt("axis", 0), data.rank(), "attribute 'axis'");
        if (indices == null) {
            return result(ctx, tensor(type, null));
        }
        List<Object> out = dims(data, 0, ax);
        out.addAll(dims(indices, 0, indices.rank()));
        out.addAll(dims(data, ax + 1, data.rank()));
        return result(ctx, tensor(type, shape(out)));
    }

    /** The output takes the indices' shape; both must have the data's rank. */
    static List<ValueType> gatherElements(InferenceContext ctx) {
        requireElementType(ctx, 1, DType.INT32, DType.INT64);
        Shape data = shapeOf(ctx, 0);
        Shape indices = shapeOf(ctx, 1);
        if (data != null) {
            axis(ctx, ctx.node().getInt("axis", 0), data.rank(), "attribute 'axis'");
            if (indices != null && indices.rank() != data.rank()) {
                throw invalid(ctx, inputName(ctx, 1) + " " + indices + ": expected rank " + data.rank() + " like " + inputName(ctx, 0) + " " + data);
            }
        }
        return result(ctx, tensor(elementType(ctx, 0), indices));
    }
}
