package dev.kiln.api.schema.onnx;

import dev.kiln.api.ir.InvalidGraphException;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.ir.ValueType.TensorType;
import dev.kiln.api.schema.InferenceContext;
import dev.kiln.api.schema.ShapeInference;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Building blocks shared by the ai.onnx shape-inference functions: reading inputs and constants,
 * symbolic dimensions, multidirectional broadcasting, axis normalisation and reductions. Stateless.
 *
 * <p>A dimension is handled as an {@code Object}: a {@link Long} when known, a {@link String} when it is
 * a symbolic name, {@code null} when unknown; that is the form {@link Shape#symbolic} accepts.
 */
final class InferenceSupport {
    private InferenceSupport() {
    }

    // ---- errors ----------------------------------------------------------------------------------

    static InvalidGraphException invalid(InferenceContext ctx, String detail) {
        return new InvalidGraphException(ctx.node().describe() + ": " + detail);
    }

    /** "input 1 'weights'" for messages. */
    static String inputName(InferenceContext ctx, int i) {
        return "input " + i + " '" + ctx.node().input(i) + "'";
    }

    // ---- reading inputs ----------------------------------------------------------------------------

    static boolean present(InferenceContext ctx, int i) {
        return i < ctx.inputCount() && ctx.node().hasInput(i);
    }

    /** The tensor type of input {@code i}; null when absent or unknown; throws when it is not a tensor. */
    static TensorType tensorInput(InferenceContext ctx, int i) {
        if (!present(ctx, i)) {
            return null;
        }
        ValueType t = ctx.inputType(i);
        if (t == null || t instanceof TensorType) {
            return (TensorType) t;
        }
        throw invalid(ctx, inputName(ctx, i) + ": expected a tensor, got " + t);
    }

    /** The shape of input {@code i}, or null when its type or rank is unknown. */
    static Shape shapeOf(InferenceContext ctx, int i) {
        TensorType t = tensorInput(ctx, i);
        return t == null ? null : t.shape();
    }

    static DType elementType(InferenceContext ctx, int i) {
        TensorType t = tensorInput(ctx, i);
        return t == null ? null : t.elementType();
    }

    /** A tensor type, or null when the element type is unknown (a type needs one). */
    static TensorType tensor(DType type, Shape shape) {
        return type == null ? null : new TensorType(type, shape);
    }

    /** The shared element type of the given inputs; throws naming both when two known ones differ. */
    static DType sameElementType(InferenceContext ctx, int... inputs) {
        DType found = null;
        int from = -1;
        for (int i : inputs) {
            DType t = elementType(ctx, i);
            if (t == null) {
                continue;
            }
            if (found == null) {
                found = t;
                from = i;
            } else if (t != found) {
                throw invalid(ctx, inputName(ctx, i) + ": expected element type " + found + " (as " + inputName(ctx, from)
                        + "), got " + t);
            }
        }
        return found;
    }

    /** Throws unless input {@code i}, when its type is known, has one of the allowed element types. */
    static void requireElementType(InferenceContext ctx, int i, DType... allowed) {
        DType t = elementType(ctx, i);
        if (t != null && !Arrays.asList(allowed).contains(t)) {
            throw invalid(ctx, inputName(ctx, i) + ": expected element type " + Arrays.toString(allowed) + ", got " + t);
        }
    }

    /**
     * The integer values of input {@code i} when it is a known host constant; when the input is absent,
     * those of the INTS attribute {@code legacyAttr} (older opsets kept them there); else null.
     */
    static long[] constantInts(InferenceContext ctx, int i, String legacyAttr) {
        if (present(ctx, i)) {
            Tensor c = ctx.constantInput(i);
            return c == null || !c.isHost() ? null : c.toLongArray();
        }
        return legacyAttr == null ? null : ctx.node().getInts(legacyAttr, null);
    }

    /** The one output list a node gets: entry {@code k} for output {@code k}, sized to the node's outputs. */
    static List<ValueType> result(InferenceContext ctx, ValueType... perOutput) {
        int n = ctx.node().outputs().size();
        List<ValueType> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            out.add(k < perOutput.length ? perOutput[k] : null);
        }
        return out;
    }

    /** Output 0 has input {@code i}'s tensor type (element type and shape). */
    static ShapeInference sameAsInput(int i) {
        return ctx -> result(ctx, tensorInput(ctx, i));
    }

    /** Output 0 has input 0's shape with a fixed element type (IsNaN, Not). */
    static ShapeInference sameShapeAs(DType type) {
        return ctx -> result(ctx, new TensorType(type, shapeOf(ctx, 0)));
    }

    // ---- dimensions --------------------------------------------------------------------------------

    /** Dimension {@code i} of a shape: Long, symbolic String or null. */
    static Object dim(Shape s, int i) {
        return s.isKnown(i) ? (Object) s.dim(i) : s.symbol(i);
    }

    /** Dimensions [from, to) of a shape as a mutable list. */
    static List<Object> dims(Shape s, int from, int to) {
        List<Object> out = new ArrayList<>(Math.max(0, to - from));
        for (int i = from; i < to; i++) {
            out.add(dim(s, i));
        }
        return out;
    }

    static Shape shape(List<Object> dims) {
        return Shape.symbolic(dims.toArray());
    }

    /** Ranks above this are not believed from declared types: a hostile model could ask for any. */
    static final int MAX_INFERRED_RANK = 1024;

    /**
     * A shape of known rank whose dimensions are all unknown; null (unknown rank) for a rank that is
     * negative or beyond {@link #MAX_INFERRED_RANK}, so a declared length can never size an allocation.
     */
    static Shape unknownDims(long rank) {
        return rank < 0 || rank > MAX_INFERRED_RANK ? null : Shape.symbolic(new Object[(int) rank]);
    }

    /** The product of dimensions [from, to): known, a single passing symbol (the others being 1), or null. */
    static Object product(Shape s, int from, int to) {
        long known = 1;
        Object single = null;
        int unknowns = 0;
        for (int i = from; i < to; i++) {
            if (s.isKnown(i)) {
                known *= s.dim(i);
            } else {
                unknowns++;
                single = dim(s, i);
            }
        }
        if (unknowns == 0 || known == 0) {
            return known;
        }
        return unknowns == 1 && known == 1 ? single : null;
    }

    // ---- axes --------------------------------------------------------------------------------------

    /** Normalises an axis against a rank, accepting [-rank, rank-1]; throws naming the attribute otherwise. */
    static int axis(InferenceContext ctx, long value, int rank, String what) {
        if (value < -rank || value >= rank) {
            throw invalid(ctx, what + " " + value + " is out of range for rank " + rank + "; expected [" + -rank + ", " + (rank - 1) + "]");
        }
        return (int) (value < 0 ? value + rank : value);
    }

    /** Normalised, de-duplicated axes as a flag per dimension. */
    static boolean[] axisFlags(InferenceContext ctx, long[] axes, int rank, String what) {
        boolean[] flags = new boolean[rank];
        for (long a : axes) {
            flags[axis(ctx, a, rank, what)] = true;
        }
        return flags;
    }

    /** The shape left after reducing the flagged axes, kept as 1 when {@code keepdims}. */
    static Shape reduced(Shape in, boolean[] reduce, boolean keepdims) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < in.rank(); i++) {
            if (!reduce[i]) {
                out.add(dim(in, i));
            } else if (keepdims) {
                out.add(1L);
            }
        }
        return shape(out);
    }

    // ---- broadcasting ------------------------------------------------------------------------------

    /** Multidirectional broadcast of the given inputs' shapes; null when a rank is unknown. */
    static Shape broadcastInputs(InferenceContext ctx, int... inputs) {
        List<Shape> shapes = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i : inputs) {
            Shape s = shapeOf(ctx, i);
            if (s == null) {
                return null;
            }
            shapes.add(s);
            labels.add(inputName(ctx, i));
        }
        return broadcast(ctx, shapes, labels);
    }

    /**
     * Numpy-style broadcast of symbolic shapes. A known size other than 1 wins over unknown ones (they
     * must be 1 or equal at run time); unknown sizes survive when they share one symbol or stand alone.
     */
    static Shape broadcast(InferenceContext ctx, List<Shape> shapes, List<String> labels) {
        int rank = 0;
        for (Shape s : shapes) {
            rank = Math.max(rank, s.rank());
        }
        List<Object> out = new ArrayList<>(rank);
        for (int j = 0; j < rank; j++) {
            long size = 1;
            int sizeFrom = -1;
            List<Object> unknown = new ArrayList<>();
            for (int k = 0; k < shapes.size(); k++) {
                Shape s = shapes.get(k);
                int i = j - (rank - s.rank());
                if (i < 0) {
                    continue;
                }
                if (!s.isKnown(i)) {
                    unknown.add(s.symbol(i));
                } else if (s.dim(i) != 1) {
                    if (sizeFrom >= 0 && s.dim(i) != size) {
                        throw invalid(ctx, labels.get(sizeFrom) + " " + shapes.get(sizeFrom) + " and " + labels.get(k) + " " + s
                                + " cannot be broadcast: output dimension " + j + " is " + size + " in one and " + s.dim(i) + " in the other");
                    }
                    size = s.dim(i);
                    sizeFrom = k;
                }
            }
            out.add(sizeFrom >= 0 || unknown.isEmpty() ? (Object) size : commonUnknown(unknown));
        }
        return shape(out);
    }

    private static Object commonUnknown(List<Object> unknown) {
        Object first = unknown.get(0);
        for (Object o : unknown) {
            if (o == null || !o.equals(first)) {
                return null;
            }
        }
        return first;
    }

    /** Throws unless {@code source} broadcasts one way onto {@code target} (Gemm's C, PRelu's slope). */
    static void checkUnidirectional(InferenceContext ctx, Shape target, String targetLabel, Shape source, String sourceLabel) {
        if (target == null || source == null) {
            return;
        }
        boolean ok = source.rank() <= target.rank();
        for (int i = 0; ok && i < source.rank(); i++) {
            int t = target.rank() - source.rank() + i;
            ok = !source.isKnown(i) || source.dim(i) == 1 || !target.isKnown(t) || source.dim(i) == target.dim(t);
        }
        if (!ok) {
            throw invalid(ctx, sourceLabel + " " + source + " does not broadcast to " + targetLabel + " " + target);
        }
    }

    /** The INTS attribute, checked to hold {@code n} values; the default when absent. */
    static long[] intsOfLength(InferenceContext ctx, String attr, int n, long fill) {
        long[] v = ctx.node().getInts(attr, null);
        if (v == null) {
            v = new long[n];
            Arrays.fill(v, fill);
        } else if (v.length != n) {
            throw invalid(ctx, "attribute '" + attr + "' has " + v.length + " values; expected " + n);
        }
        return v;
    }
}
