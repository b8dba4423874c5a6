package dev.kiln.api.schema.onnx;

import static dev.kiln.api.schema.onnx.InferenceSupport.axis;
import static dev.kiln.api.schema.onnx.InferenceSupport.axisFlags;
import static dev.kiln.api.schema.onnx.InferenceSupport.broadcast;
import static dev.kiln.api.schema.onnx.InferenceSupport.constantInts;
import static dev.kiln.api.schema.onnx.InferenceSupport.dim;
import static dev.kiln.api.schema.onnx.InferenceSupport.inputName;
import static dev.kiln.api.schema.onnx.InferenceSupport.invalid;
import static dev.kiln.api.schema.onnx.InferenceSupport.present;
import static dev.kiln.api.schema.onnx.InferenceSupport.product;
import static dev.kiln.api.schema.onnx.InferenceSupport.result;
import static dev.kiln.api.schema.onnx.InferenceSupport.shape;
import static dev.kiln.api.schema.onnx.InferenceSupport.shapeOf;
import static dev.kiln.api.schema.onnx.InferenceSupport.tensor;
import static dev.kiln.api.schema.onnx.InferenceSupport.tensorInput;
import static dev.kiln.api.schema.onnx.InferenceSupport.unknownDims;

import dev.kiln.api.ir.ValueType;
import dev.kiln.api.ir.ValueType.TensorType;
import dev.kiln.api.schema.InferenceContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Ops that rearrange dimensions without reading data: Reshape, Flatten, Transpose, (Un)Squeeze, Expand, Tile. */
final class ReshapeInference {
    private ReshapeInference() {
    }

    static List<ValueType> reshape(InferenceContext ctx) {
        TensorType x = tensorInput(ctx, 0);
        DType type = x == null ? null : x.elementType();
        Shape in = x == null ? null : x.shape();
        long[] target = constantInts(ctx, 1, "shape");
        if (target == null) {
            return result(ctx, tensor(type, rankFromLength(shapeOf(ctx, 1))));
        }
        boolean allowZero = ctx.node().getInt("allowzero", 0) != 0;
        List<Object> out = new ArrayList<>();
        int inferred = -1;
        for (int i = 0; i < target.length; i++) {
            long v = target[i];
            if (v < -1 || (v == -1 && inferred >= 0) || (allowZero && v == -1 && Arrays.stream(target).anyMatch(t -> t == 0))) {
                throw invalid(ctx, inputName(ctx, 1) + ": expected sizes >= 0 with at most one -1 (and no -1 beside 0 when allowzero), got "
                        + Arrays.toString(target));
            }
            if (v == -1) {
                inferred = i;
                out.add(null);
            } else if (v == 0 && !allowZero) {
                if (in != null && i >= in.rank()) {
                    throw invalid(ctx, inputName(ctx, 1) + " " + Arrays.toString(target) + ": the 0 at position " + i
                            + " copies a dimension that " + inputName(ctx, 0) + " " + in + " does not have");
                }
                out.add(in == null ? null : dim(in, i));
            } else {
                out.add(v);
            }
        }
        if (in != null && inferred >= 0) {
            out.set(inferred, solveMinusOne(ctx, in, out, inferred, target));
        }
        Shape result = shape(out);
        if (in != null && in.isConcrete() && result.isConcrete() && in.elementCount() != result.elementCount()) {
            throw invalid(ctx, "cannot reshape " + inputName(ctx, 0) + " " + in + " (" + in.elementCount() + " elements) to " + result
                    + " (" + result.elementCount() + " elements)");
        }
        return result(ctx, tensor(type, result));
    }

    /**
     * The size the -1 stands for: the input's element count divided by the other output sizes, after
     * cancelling symbolic dimensions that appear on both sides; null when symbols remain unbalanced.
     */
    private static Object solveMinusOne(InferenceContext ctx, Shape in, List<Object> out, int at, long[] target) {
        long num = 1;
        List<Object> symbols = new ArrayList<>();
        for (int i = 0; i < in.rank(); i++) {
            Object d = dim(in, i);
            if (d == null) {
                return null;
            }
            if (d instanceof Long v) {
                num *= v;
            } else {
                symbols.add(d);
            }
        }
        long den = 1;
        for (int j = 0; j < out.size(); j++) {
            Object d = out.get(j);
            if (j == at) {
                continue;
            }
            if (d instanceof Long v) {
                den *= v;
            } else if (d == null || !symbols.remove(d)) {
                return null;
            }
        }
        if (!symbols.isEmpty()) {
            return symbols.size() == 1 && num == den ? symbols.get(0) : null;
        }
        if (den == 0 ? num != 0 : num % den != 0) {
            throw invalid(ctx, "cannot reshape " + inputName(ctx, 0) + " " + in + " to " + Arrays.toString(target)
                    + ": " + num + " elements do not divide by " + den);
        }
        return den == 0 ? null : num / den;
    }

    static List<ValueType> flatten(InferenceContext ctx) {
        TensorType x = tensorInput(ctx, 0);
        if (x == null || x.shape() == null) {
            return result(ctx, tensor(x == null ? null : x.elementType(), x == null ? null : unknownDims(2)));
        }
        Shape in = x.shape();
        long a = ctx.node().getInt("axis", 1);
        if (a < -in.rank() || a > in.rank()) {
            throw invalid(ctx, "attribute 'axis' " + a + " is out of range for rank " + in.rank() + "; expected [" + -in.rank() + ", " + in.rank() + "]");
        }
        int split = (int) (a < 0 ? a + in.rank() : a);
        return result(ctx, tensor(x.elementType(), Shape.symbolic(product(in, 0, split), product(in, split, in.rank()))));
    }

    static List<ValueType> transpose(InferenceContext ctx) {
        TensorType x = tensorInput(ctx, 0);
        if (x == null || x.shape() == null) {
            return result(ctx, x);
        }
        Shape in = x.shape();
        long[] perm = ctx.node().getInts("perm", null);
        if (perm == null) {
            perm = new long[in.rank()];
            for (int i = 0; i < perm.length; i++) {
                perm[i] = in.rank() - 1 - i;
            }
        }
        long[] sorted = perm.clone();
        Arrays.sort(sorted);
        boolean permutation = perm.length == in.rank();
        for (int i = 0; permutation && i < sorted.length; i++) {
            permutation = sorted[i] == i;
        }
        if (!permutation) {
            throw invalid(ctx, "attribute 'perm' " + Arrays.toString(perm) + " is not a permutation of the " + in.rank()
                    + " axes of " + inputName(ctx, 0) + " " + in);
        }
        List<Object> out = new ArrayList<>();
        for (long p : perm) {
            out.add(dim(in, (int) p));
        }
        return result(ctx, tensor(x.elementType(), shape(out)));
    }

    static List<ValueType> squeeze(InferenceContext ctx) {
        TensorType x = tensorInput(ctx, 0);
        long[] axes = constantInts(ctx, 1, "axes");
        if (x == null || x.shape() == null || (axes == null && present(ctx, 1))) {
            return result(ctx, tensor(x == null ? null : x.elementType(), null));
        }
        Shape in = x.shape();
        List<Object> out = new ArrayList<>();
        if (axes == null) {
            // without axes every size-1 dimension goes, which is only decidable when all sizes are known
            if (!in.isConcrete()) {
                return result(ctx, tensor(x.elementType(), null));
            }
            Arrays.stream(in.dims()).filter(d -> d != 1).forEach(out::add);
            return result(ctx, tensor(x.elementType(), shape(out)));
        }
        boolean[] drop = axisFlags(ctx, axes, in.rank(), "axis in " + (present(ctx, 1) ? inputName(ctx, 1) : "attribute 'axes'"));
        for (int i = 0; i < in.rank(); i++) {
            if (drop[i] && in.isKnown(i) && in.dim(i) != 1) {
                throw invalid(ctx, "cannot squeeze axis " + i + " of " + inputName(ctx, 0) + " " + in + ": its size is " + in.dim(i) + ", not 1");
            }
            if (!drop[i]) {
                out.add(dim(in, i));
            }
        }
        return result(ctx, tensor(x.elementType(), shape(out)));
    }

    static List<ValueType> unsqueeze(InferenceContext ctx) {
        TensorType x = tensorInput(ctx, 0);
        DType type = x == null ? null : x.elementType();
        long[] axes = constantInts(ctx, 1, "axes");
        if (x == null || x.shape() == null || axes == null) {
            Shape count = shapeOf(ctx, 1);
            boolean known = x != null && x.shape() != null && count != null && count.rank() == 1 && count.isKnown(0);
            return result(ctx, tensor(type, known ? unknownDims(x.shape().rank() + count.dim(0)) : null));
        }
        Shape in = x.shape();
        int rank = in.rank() + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            int ax = axis(ctx, a, rank, "axis in " + (present(ctx, 1) ? inputName(ctx, 1) : "attribute 'axes'"));
            if (inserted[ax]) {
                throw invalid(ctx, "axes " + Arrays.toString(axes) + " name output axis " + ax + " twice");
            }
            inserted[ax] = true;
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0, next = 0; i < rank; i++) {
            out.add(inserted[i] ? (Object) 1L : dim(in, next++));
        }
        return result(ctx, tensor(type, shape(out)));
    }

    static List<ValueType> expand(InferenceContext ctx) {
        TensorType x = tensorInput(ctx, 0);
        DType type = x == null ? null : x.elementType();
        long[] target = constantInts(ctx, 1, null);
        if (x == null || x.shape() == null || target == null) {
            return result(ctx, tensor(type, null));
        }
        if (Arrays.stream(target).anyMatch(v -> v < 0)) {
            throw invalid(ctx, inputName(ctx, 1) + ": expected sizes >= 0, got " + Arrays.toString(target));
        }
        Shape out = broadcast(ctx, List.of(x.shape(), Shape.of(target)), List.of(inputName(ctx, 0), "the target shape " + inputName(ctx, 1)));
        return result(ctx, tensor(type, out));
    }

    static List<ValueType> tile(InferenceContext ctx) {
        TensorType x = tensorInput(ctx, 0);
        DType type = x == null ? null : x.elementType();
        if (x == null || x.shape() == null) {
            return result(ctx, tensor(type, null));
        }
        Shape in = x.shape();
        long[] repeats = constantInts(ctx, 1, null);
        if (ctx.opsetVersion() < 6 && repeats != null) {
            // Tile-1 repeated one axis (input 2) a scalar number of times (input 1)
            long[] ax = constantInts(ctx, 2, null);
            long[] perAxis = new long[in.rank()];
            Arrays.fill(perAxis, 1);
            if (ax == null) {
                return result(ctx, tensor(type, unknownDims(in.rank())));
            }
            perAxis[axis(ctx, ax[0], in.rank(), inputName(ctx, 2))] = repeats[0];
            repeats = perAxis;
        }
        if (repeats == null) {
            return result(ctx, tensor(type, unknownDims(in.rank())));
        }
        if (repeats.length != in.rank() || Arrays.stream(repeats).anyMatch(r -> r < 0)) {
            throw invalid(ctx, inputName(ctx, 1) + ": expected " + in.rank() + " non-negative repeats for " + inputName(ctx, 0) + " " + in
                    + ", got " + Arrays.toString(repeats));
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < in.rank(); i++) {
            out.add(in.isKnown(i) ? (Object) (in.dim(i) * repeats[i]) : repeats[i] == 1 ? dim(in, i) : repeats[i] == 0 ? (Object) 0L : null);
        }
        return result(ctx, tensor(type, shape(out)));
    }

    /** A shape of unknown sizes whose rank is the known length of a 1-D shape tensor, else null. */
    static Shape rankFromLength(Shape shapeTensor) {
        return shapeTensor != null && shapeTensor.rank() == 1 && shapeTensor.isKnown(0) ? unknownDims(shapeTensor.dim(0)) : null;
    }
}
