package dev.kiln.api.schema.onnx;

import static dev.kiln.api.schema.onnx.InferenceSupport.dim;
import static dev.kiln.api.schema.onnx.InferenceSupport.elementType;
import static dev.kiln.api.schema.onnx.InferenceSupport.inputName;
import static dev.kiln.api.schema.onnx.InferenceSupport.intsOfLength;
import static dev.kiln.api.schema.onnx.InferenceSupport.invalid;
import static dev.kiln.api.schema.onnx.InferenceSupport.result;
import static dev.kiln.api.schema.onnx.InferenceSupport.sameElementType;
import static dev.kiln.api.schema.onnx.InferenceSupport.shape;
import static dev.kiln.api.schema.onnx.InferenceSupport.shapeOf;
import static dev.kiln.api.schema.onnx.InferenceSupport.tensor;

import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.ir.ValueType.TensorType;
import dev.kiln.api.schema.InferenceContext;
import dev.kiln.api.schema.ShapeInference;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Output shapes of sliding-window ops over [N, C, D1..Dn] inputs: Conv, ConvTranspose and the pools. */
final class ConvPoolInference {
    private ConvPoolInference() {
    }

    /** The window attributes of one node, with defaults filled in and checked. */
    private record Window(long[] kernel, long[] strides, long[] dilations, long[] pads, String autoPad, boolean ceil) {
        static Window of(InferenceContext ctx, int spatial, long[] kernel) {
            Node node = ctx.node();
            if (kernel != null && kernel.length != spatial) {
                throw invalid(ctx, "attribute 'kernel_shape' has " + kernel.length + " values for " + spatial + " spatial axes");
            }
            long[] strides = intsOfLength(ctx, "strides", spatial, 1);
            long[] dilations = intsOfLength(ctx, "dilations", spatial, 1);
            long[] pads = intsOfLength(ctx, "pads", 2 * spatial, 0);
            String autoPad = node.getString("auto_pad", "NOTSET");
            if (!List.of("NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER").contains(autoPad)) {
                throw invalid(ctx, "attribute 'auto_pad' is '" + autoPad + "'; expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
            }
            if (Arrays.stream(strides).anyMatch(v -> v < 1) || Arrays.stream(dilations).anyMatch(v -> v < 1)
                    || Arrays.stream(pads).anyMatch(v -> v < 0) || (kernel != null && Arrays.stream(kernel).anyMatch(v -> v < 1))) {
                throw invalid(ctx, "expected kernel_shape, strides and dilations >= 1 and pads >= 0, got kernel_shape "
                        + Arrays.toString(kernel) + ", strides " + Arrays.toString(strides) + ", dilations " + Arrays.toString(dilations)
                        + ", pads " + Arrays.toString(pads));
            }
            return new Window(kernel, strides, dilations, pads, autoPad, node.getInt("ceil_mode", 0) != 0);
        }

        /** Output size of spatial axis {@code i} of a forward window (Conv, pools); null when unknown. */
        Object forward(InferenceContext ctx, Shape x, int i) {
            if (!x.isKnown(2 + i)) {
                return null;
            }
            long in = x.dim(2 + i);
            if (autoPad.startsWith("SAME")) {
                return ceilDiv(in, strides[i]);
            }
            if (kernel == null) {
                return null;
            }
            long effective = (kernel[i] - 1) * dilations[i] + 1;
            boolean valid = autoPad.equals("VALID");
            long padded = in + (valid ? 0 : pads[i] + pads[i + kernel.length]);
            if (padded < effective) {
                throw invalid(ctx, "spatial axis " + i + " of input 0 " + x + " is " + padded + " with padding, smaller than the dilated kernel "
                        + effective);
            }
            if (valid || !ceil) {
                return (padded - effective) / strides[i] + 1;
            }
            long out = ceilDiv(padded - effective, strides[i]) + 1;
            // a last window that would start inside the end padding is dropped
            return (out - 1) * strides[i] >= in + pads[i] ? out - 1 : out;
        }
    }

    static List<ValueType> conv(InferenceContext ctx) {
        DType type = sameElementType(ctx, 0, 1, 2);
        Shape x = shapeOf(ctx, 0);
        Shape w = shapeOf(ctx, 1);
        long group = ctx.node().getInt("group", 1);
        checkRanks(ctx, x, w, group);
        if (x == null) {
            return result(ctx, tensor(type, null));
        }
        int spatial = x.rank() - 2;
        Window win = Window.of(ctx, spatial, ctx.node().getInts("kernel_shape", kernelFromWeights(w)));
        if (x.isKnown(1) && w != null && w.isKnown(1) && x.dim(1) != w.dim(1) * group) {
            throw invalid(ctx, inputName(ctx, 0) + " " + x + " has " + x.dim(1) + " channels but " + inputName(ctx, 1) + " " + w
                    + " expects " + w.dim(1) + " x group " + group);
        }
        Object m = w == null ? null : dim(w, 0);
        if (m instanceof Long mv && mv % group != 0) {
            throw invalid(ctx, inputName(ctx, 1) + " " + w + ": " + mv + " feature maps do not divide into group " + group);
        }
        checkBias(ctx, m);
        List<Object> out = new ArrayList<>(Arrays.asList(dimOrNull(x, 0)));
        out.add(m);
        for (int i = 0; i < spatial; i++) {
            out.add(win.forward(ctx, x, i));
        }
        return result(ctx, tensor(type, shape(out)));
    }

    static List<ValueType> convTranspose(InferenceContext ctx) {
        Node node = ctx.node();
        DType type = sameElementType(ctx, 0, 1, 2);
        Shape x = shapeOf(ctx, 0);
        Shape w = shapeOf(ctx, 1);
        long group = node.getInt("group", 1);
        checkRanks(ctx, x, w, group);
        if (x == null) {
            return result(ctx, tensor(type, null));
        }
        int spatial = x.rank() - 2;
        Window win = Window.of(ctx, spatial, node.getInts("kernel_shape", kernelFromWeights(w)));
        if (x.isKnown(1) && w != null && w.isKnown(0) && x.dim(1) != w.dim(0)) {
            throw invalid(ctx, inputName(ctx, 0) + " " + x + " has " + x.dim(1) + " channels but " + inputName(ctx, 1) + " " + w
                    + " expects " + w.dim(0));
        }
        Object m = w != null && w.isKnown(1) ? (Object) (w.dim(1) * group) : null;
        checkBias(ctx, m);
        long[] outputPadding = intsOfLength(ctx, "output_padding", spatial, 0);
        long[] outputShape = node.getInts("output_shape", null);
        if (outputShape != null && outputShape.length == spatial + 2) {
            outputShape = Arrays.copyOfRange(outputShape, 2, outputShape.length);
        }
        if (outputShape != null && outputShape.length != spatial) {
            throw invalid(ctx, "attribute 'output_shape' has " + outputShape.length + " values for " + spatial + " spatial axes");
        }
        List<Object> out = new ArrayList<>(Arrays.asList(dimOrNull(x, 0)));
        out.add(m);
        for (int i = 0; i < spatial; i++) {
            if (outputShape != null) {
                out.add(outputShape[i]);
            } else if (!x.isKnown(2 + i)) {
                out.add(null);
            } else if (win.autoPad().startsWith("SAME")) {
                out.add(x.dim(2 + i) * win.strides()[i]);
            } else if (win.kernel() == null) {
                out.add(null);
            } else {
                long pads = win.autoPad().equals("VALID") ? 0 : win.pads()[i] + win.pads()[i + spatial];
                long size = win.strides()[i] * (x.dim(2 + i) - 1) + outputPadding[i] + (win.kernel()[i] - 1) * win.dilations()[i] + 1 - pads;
                if (size < 1) {
                    throw invalid(ctx, "spatial axis " + i + " of the output would be " + size + " for input 0 " + x);
                }
                out.add(size);
            }
        }
        return result(ctx, tensor(type, shape(out)));
    }

    /** MaxPool, AveragePool and LpPool; MaxPool's optional second output holds int64 indices. */
    static ShapeInference pool() {
        return ctx -> {
            DType type = elementType(ctx, 0);
            long[] kernel = ctx.node().getInts("kernel_shape", null);
            if (kernel == null) {
                throw invalid(ctx, "attribute 'kernel_shape' is required");
            }
            Shape x = shapeOf(ctx, 0);
            Shape out = null;
            if (x != null) {
                if (x.rank() != kernel.length + 2) {
                    throw invalid(ctx, inputName(ctx, 0) + " " + x + ": expected rank " + (kernel.length + 2) + " for a "
                            + kernel.length + "-D kernel_shape");
                }
                Window win = Window.of(ctx, kernel.length, kernel);
                List<Object> d = new ArrayList<>(Arrays.asList(dimOrNull(x, 0)));
                d.add(dim(x, 1));
                for (int i = 0; i < kernel.length; i++) {
                    d.add(win.forward(ctx, x, i));
                }
                out = shape(d);
            }
            return result(ctx, tensor(type, out), new TensorType(DType.INT64, out));
        };
    }

    /** GlobalAveragePool and GlobalMaxPool keep N and C and reduce every spatial axis to 1. */
    static List<ValueType> globalPool(InferenceContext ctx) {
        Shape x = shapeOf(ctx, 0);
        if (x != null && x.rank() < 2) {
            throw invalid(ctx, inputName(ctx, 0) + ": expected rank >= 2 (N, C, spatial...), got " + x);
        }
        Shape out = null;
        if (x != null) {
            List<Object> d = new ArrayList<>(Arrays.asList(dimOrNull(x, 0)));
            d.add(dim(x, 1));
            for (int i = 2; i < x.rank(); i++) {
                d.add(1L);
            }
            out = shape(d);
        }
        return result(ctx, tensor(elementType(ctx, 0), out));
    }

    private static void checkRanks(InferenceContext ctx, Shape x, Shape w, long group) {
        if (group < 1) {
            throw invalid(ctx, "attribute 'group' is " + group + "; expected >= 1");
        }
        if (x != null && x.rank() < 3) {
            throw invalid(ctx, inputName(ctx, 0) + ": expected rank >= 3 (N, C, spatial...), got " + x);
        }
        if (x != null && w != null && w.rank() != x.rank()) {
            throw invalid(ctx, inputName(ctx, 1) + " " + w + ": expected rank " + x.rank() + " like " + inputName(ctx, 0) + " " + x);
        }
    }

    private static void checkBias(InferenceContext ctx, Object channels) {
        Shape b = shapeOf(ctx, 2);
        if (b != null && (b.rank() != 1 || (channels instanceof Long c && b.isKnown(0) && b.dim(0) != c))) {
            throw invalid(ctx, inputName(ctx, 2) + ": expected a bias of shape [" + (channels == null ? "M" : channels) + "], got " + b);
        }
    }

    private static long[] kernelFromWeights(Shape w) {
        if (w == null) {
            return null;
        }
        long[] k = Arrays.copyOfRange(w.dims(), 2, w.rank());
        return Arrays.stream(k).allMatch(v -> v != Shape.UNKNOWN) ? k : null;
    }

    private static Object dimOrNull(Shape s, int i) {
        return i < s.rank() ? dim(s, i) : null;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
