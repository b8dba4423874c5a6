package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Node;
import java.util.Arrays;

/**
 * The sliding-window attributes shared by Conv and the pooling ops (auto_pad, kernel_shape, strides,
 * pads, dilations, ceil_mode) as written on a node, resolved against an input shape by {@link #resolve}.
 * Immutable.
 */
final class WindowAttributes {
    enum AutoPad { NOTSET, SAME_UPPER, SAME_LOWER, VALID }

    final String op;
    private final int opset;
    final AutoPad autoPad;
    /** kernel_shape, or null when absent. */
    final long[] kernelShape;
    private final long[] strides;
    private final long[] pads;
    private final long[] dilations;
    private final boolean ceilMode;

    private WindowAttributes(Node node, int opset) {
        this.op = node.opType();
        this.opset = opset;
        String mode = node.getString("auto_pad", "NOTSET");
        try {
            this.autoPad = AutoPad.valueOf(mode);
        } catch (IllegalArgumentException e) {
            throw new UnsupportedOpException(op, node.domain(), opset,
                    "attribute 'auto_pad' is '" + mode + "'; expected NOTSET, SAME_UPPER, SAME_LOWER or VALID");
        }
        this.kernelShape = node.getInts("kernel_shape", null);
        this.strides = node.getInts("strides", null);
        this.pads = node.getInts("pads", null);
        this.dilations = node.getInts("dilations", null);
        this.ceilMode = node.getInt("ceil_mode", 0) != 0;
    }

    static WindowAttributes of(Node node, int opset) {
        return new WindowAttributes(node, opset);
    }

    /** The stride of each spatial axis (1 where absent), checked against the spatial rank. */
    int[] strides(int rank) {
        return perAxis("strides", strides, rank, 1);
    }

    int[] dilations(int rank) {
        return perAxis("dilations", dilations, rank, 1);
    }

    /** Explicit pads as [begin..., end...] (zeros where absent). */
    int[] pads(int rank) {
        if (pads == null) {
            return new int[2 * rank];
        }
        if (pads.length != 2 * rank) {
            throw new InvalidInputException(op + ": attribute 'pads' has " + pads.length + " values; expected " + 2 * rank
                    + " for an input with " + rank + " spatial dimensions");
        }
        int[] out = new int[pads.length];
        for (int i = 0; i < out.length; i++) {
            if (pads[i] < 0) {
                throw new InvalidInputException(op + ": attribute 'pads' must not be negative, got " + Arrays.toString(pads));
            }
            out[i] = toInt(pads[i], "pads");
        }
        return out;
    }

    /**
     * The window over spatial dimensions {@code in} with a kernel of {@code kernel} taps per axis:
     * the output size and the begin/end padding that auto_pad, pads and ceil_mode imply.
     */
    Window resolve(int[] in, int[] kernel) {
        int rank = in.length;
        requireSupportedRank(rank);
        if (kernelShape != null && kernelShape.length != rank) {
            throw new InvalidInputException(op + ": attribute 'kernel_shape' has " + kernelShape.length
                    + " values; expected " + rank + " for the input's spatial dimensions " + Arrays.toString(in));
        }
        int[] s = strides(rank);
        int[] d = dilations(rank);
        int[] pb = new int[rank];
        int[] pe = new int[rank];
        int[] out = new int[rank];
        int[] explicit = autoPad == AutoPad.NOTSET ? pads(rank) : new int[2 * rank];
        for (int i = 0; i < rank; i++) {
            if (s[i] < 1 || d[i] < 1) {
                throw new InvalidInputException(op + ": strides and dilations must be positive, got strides "
                        + Arrays.toString(s) + " and dilations " + Arrays.toString(d));
            }
            // sizes in long, so that huge kernels, dilations or pads give a typed error instead of wrapping
            long longSpan = (long) (kernel[i] - 1) * d[i] + 1;
            if (longSpan > Integer.MAX_VALUE) {
                throw new InvalidInputException(op + ": a kernel of " + kernel[i] + " taps dilated by " + d[i] + " spans " + longSpan
                        + " positions; at most 2^31-1 are supported");
            }
            int span = (int) longSpan;
            long outLong;
            switch (autoPad) {
                case SAME_UPPER, SAME_LOWER -> {
                    outLong = ceilDiv(in[i], s[i]);
                    int total = intSize(Math.max(0, (outLong - 1) * s[i] + span - in[i]), "the padding of spatial dimension " + i);
                    pb[i] = autoPad == AutoPad.SAME_UPPER ? total / 2 : total - total / 2;
                    pe[i] = total - pb[i];
                }
                case VALID -> outLong = ceilMode ? ceilDiv(in[i] - span + 1, s[i]) : Math.floorDiv(in[i] - span, s[i]) + 1;
                default -> {
                    pb[i] = explicit[i];
                    pe[i] = explicit[i + rank];
                    long room = (long) in[i] + pb[i] + pe[i] - span;
                    outLong = (ceilMode ? -Math.floorDiv(-room, (long) s[i]) : Math.floorDiv(room, (long) s[i])) + 1;
                    // a last window that would start inside the end padding is dropped
                    if (ceilMode && outLong > 0 && (outLong - 1) * s[i] >= (long) in[i] + pb[i]) {
                        outLong--;
                    }
                }
            }
            out[i] = intSize(Math.max(outLong, -1), "output dimension " + i);
            if (out[i] < 0) {
                throw new InvalidInputException(op + ": a window of " + span + " (kernel " + kernel[i] + ", dilation " + d[i]
                        + ") does not fit spatial dimension " + i + " of size " + in[i] + " with padding " + pb[i] + "+" + pe[i]);
            }
        }
        return new Window(in, kernel, s, d, pb, pe, out);
    }

    /** The kernels loop over at most {@link Window#MAX_RANK} spatial axes. */
    void requireSupportedRank(int rank) {
        if (rank > Window.MAX_RANK) {
            throw new UnsupportedOpException(op, "", opset, "inputs with " + rank + " spatial dimensions; at most "
                    + Window.MAX_RANK + " are supported");
        }
    }

    private int[] perAxis(String name, long[] values, int rank, int fallback) {
        int[] out = new int[rank];
        if (values == null) {
            Arrays.fill(out, fallback);
            return out;
        }
        if (values.length != rank) {
            throw new InvalidInputException(op + ": attribute '" + name + "' has " + values.length + " values; expected " + rank
                    + " (one per spatial dimension)");
        }
        for (int i = 0; i < rank; i++) {
            out[i] = toInt(values[i], name);
        }
        return out;
    }

    private int intSize(long v, String what) {
        if (v > Integer.MAX_VALUE) {
            throw new InvalidInputException(op + ": " + what + " would be " + v + "; at most 2^31-1 is supported");
        }
        return (int) v;
    }

    /** An attribute value that must fit an int (sizes of host arrays do), else a typed error naming the attribute. */
    int toInt(long v, String name) {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new InvalidInputException(op + ": attribute '" + name + "' value " + v + " is out of range; expected at most 2^31-1");
        }
        return (int) v;
    }

    static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
