package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.InvalidInputException;

/**
 * A sliding window resolved against one input's spatial shape: kernel taps, strides, dilations, the
 * begin/end padding and the output size per spatial axis. Tap t of output position o reads input
 * position {@code o * stride - padBegin + t * dilation}. Immutable.
 *
 * <p>Kernels loop over exactly three spatial axes: {@link #axis3} views 1-D and 2-D windows as 3-D ones
 * with leading axes of size 1, so one loop nest serves every supported rank.
 */
final class Window {
    /** The largest spatial rank the kernels handle. */
    static final int MAX_RANK = 3;

    final int[] in;
    final int[] kernel;
    final int[] strides;
    final int[] dilations;
    final int[] padBegin;
    final int[] padEnd;
    final int[] out;

    Window(int[] in, int[] kernel, int[] strides, int[] dilations, int[] padBegin, int[] padEnd, int[] out) {
        this.in = in;
        this.kernel = kernel;
        this.strides = strides;
        this.dilations = dilations;
        this.padBegin = padBegin;
        this.padEnd = padEnd;
        this.out = out;
    }

    int rank() {
        return in.length;
    }

    int inSize() {
        return product(in);
    }

    int outSize() {
        return product(out);
    }

    int kernelSize() {
        return product(kernel);
    }

    /** True when the window is a plain 1x1 per position: the im2col matrix is the input itself. */
    boolean isPointwise() {
        for (int i = 0; i < in.length; i++) {
            if (kernel[i] != 1 || strides[i] != 1 || padBegin[i] != 0 || padEnd[i] != 0 || out[i] != in[i]) {
                return false;
            }
        }
        return true;
    }

    /** Axis {@code a} of the 3-D view (0..2); the leading axes of a lower-rank window have size 1 and no padding. */
    Axis axis3(int a) {
        int i = a - (MAX_RANK - in.length);
        if (i < 0) {
            return new Axis(1, 1, 1, 1, 0, 0, 1);
        }
        return new Axis(in[i], kernel[i], strides[i], dilations[i], padBegin[i], padEnd[i], out[i]);
    }

    /** One spatial axis of a window. */
    record Axis(int in, int kernel, int stride, int dilation, int padBegin, int padEnd, int out) {
        /** Input position read by tap {@code t} of output position {@code o} (may lie in the padding). */
        int input(int o, int t) {
            return o * stride - padBegin + t * dilation;
        }

        /** First output position whose tap {@code t} reads inside the input. */
        int firstValidOutput(int t) {
            return clamp(ceilDiv(padBegin - t * dilation, stride), out);
        }

        /** One past the last output position whose tap {@code t} reads inside the input. */
        int endValidOutput(int t) {
            return clamp(ceilDiv(in + padBegin - t * dilation, stride), out);
        }

        /** First tap of output position {@code o} that reads inside the input. */
        int firstValidTap(int o) {
            return clamp(ceilDiv(padBegin - o * stride, dilation), kernel);
        }

        /** One past the last tap of output position {@code o} that reads inside the input. */
        int endValidTap(int o) {
            return clamp(ceilDiv(in + padBegin - o * stride, dilation), kernel);
        }

        /** Taps of output position {@code o} inside the input or its explicit padding (not past the end padding). */
        int tapsWithinPadding(int o) {
            return clamp(ceilDiv(in + padEnd + padBegin - o * stride, dilation), kernel);
        }

        private static int clamp(int v, int hi) {
            return Math.max(0, Math.min(v, hi));
        }

        private static int ceilDiv(int a, int b) {
            return -Math.floorDiv(-a, b);
        }
    }

    private static int product(int[] dims) {
        int p = 1;
        for (int d : dims) {
            long q = (long) p * d;
            if (q != (int) q) {
                throw new InvalidInputException("the pooling window " + java.util.Arrays.toString(dims) + " has more than 2^31-1 positions");
            }
            p = (int) q;
        }
        return p;
    }
}
