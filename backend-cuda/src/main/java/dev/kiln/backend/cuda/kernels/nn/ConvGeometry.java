package dev.kiln.backend.cuda.kernels.nn;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.KernelRequest;

/**
 * The 2-D window geometry shared by Conv and MaxPool: kernel, strides, dilations and the top/left padding
 * after auto_pad is resolved, and the output size. Immutable.
 */
record ConvGeometry(long kh, long kw, long sh, long sw, long dh, long dw, long pt, long pl, long oh, long ow) {

    /** The geometry of a node over an input of spatial size h x w with a kh x kw window. */
    static ConvGeometry of(KernelRequest request, String op, long h, long w, long kh, long kw) {
        var node = request.node();
        long[] s = node.getInts("strides", new long[] {1, 1});
        long[] dl = node.getInts("dilations", new long[] {1, 1});
        long[] p = node.getInts("pads", new long[] {0, 0, 0, 0});
        String auto = node.getString("auto_pad", "NOTSET");
        long pt = p[0];
        long pl = p[1];
        long oh;
        long ow;
        switch (auto) {
            case "SAME_UPPER", "SAME_LOWER" -> {
                oh = (h + s[0] - 1) / s[0];
                ow = (w + s[1] - 1) / s[1];
                long th = Math.max(0, (oh - 1) * s[0] + dl[0] * (kh - 1) + 1 - h);
                long tw = Math.max(0, (ow - 1) * s[1] + dl[1] * (kw - 1) + 1 - w);
                pt = auto.equals("SAME_UPPER") ? th / 2 : th - th / 2;
                pl = auto.equals("SAME_UPPER") ? tw / 2 : tw - tw / 2;
            }
            case "VALID" -> {
                pt = 0;
                pl = 0;
                oh = (h - dl[0] * (kh - 1) - 1) / s[0] + 1;
                ow = (w - dl[1] * (kw - 1) - 1) / s[1] + 1;
            }
            default -> {
                oh = Math.floorDiv(h + p[0] + p[2] - dl[0] * (kh - 1) - 1, s[0]) + 1;
                ow = Math.floorDiv(w + p[1] + p[3] - dl[1] * (kw - 1) - 1, s[1]) + 1;
            }
        }
        if (oh < 1 || ow < 1) {
            throw new InvalidInputException(op + ": a " + kh + "x" + kw + " window does not fit an input of " + h + "x" + w
                    + " with these pads, strides and dilations");
        }
        return new ConvGeometry(kh, kw, s[0], s[1], dl[0], dl[1], pt, pl, oh, ow);
    }

    /** Whether the window is 1x1 with unit strides and no padding: the input is then its own column matrix. */
    boolean pointwise() {
        return kh == 1 && kw == 1 && sh == 1 && sw == 1 && pt == 0 && pl == 0;
    }
}
