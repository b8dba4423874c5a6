package dev.kiln.backend.cpu.kernels.vision;

import dev.kiln.api.InvalidInputException;
import java.awt.image.BufferedImage;

/**
 * Reads the Netpbm gray and color formats (P2, P3 in text; P5, P6 in binary), which {@code javax.imageio} lacks.
 * Samples are rescaled from the stream's maximum value to 0..255. Each read uses its own instance; thread-safe.
 */
final class PnmReader {
    private final byte[] b;
    private int pos;

    private PnmReader(byte[] b) {
        this.b = b;
    }

    static boolean isPnm(byte[] b) {
        return b.length >= 2 && b[0] == 'P' && (b[1] == '2' || b[1] == '3' || b[1] == '5' || b[1] == '6');
    }

    /** Decodes a P2/P3/P5/P6 stream to an RGB image (gray levels repeated in all three channels). */
    static BufferedImage read(byte[] bytes) {
        PnmReader r = new PnmReader(bytes);
        char kind = (char) bytes[1];
        r.pos = 2;
        int w = r.number();
        int h = r.number();
        int max = r.number();
        if (w <= 0 || h <= 0 || max <= 0 || max > 65535) {
            throw new InvalidInputException("ImageDecoder: PNM header gives width " + w + ", height " + h + ", maxval " + max
                    + "; expected positive sizes and maxval <= 65535");
        }
        boolean color = kind == '3' || kind == '6';
        boolean binary = kind == '5' || kind == '6';
        r.pos++;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int red = r.sample(binary, max);
                int green = color ? r.sample(binary, max) : red;
                int blue = color ? r.sample(binary, max) : red;
                image.setRGB(x, y, (red << 16) | (green << 8) | blue);
            }
        }
        return image;
    }

    private int sample(boolean binary, int max) {
        int v;
        if (!binary) {
            v = number();
        } else if (max < 256) {
            v = byteAt(pos++);
        } else {
            v = (byteAt(pos) << 8) | byteAt(pos + 1);
            pos += 2;
        }
        return max == 255 ? v : (int) Math.round(v * 255.0 / max);
    }

    private int byteAt(int i) {
        if (i >= b.length) {
            throw new InvalidInputException("ImageDecoder: PNM stream ends early at byte " + i);
        }
        return b[i] & 0xff;
    }

    /** The next decimal number, skipping whitespace and '#' comments; leaves pos on the byte after it. */
    private int number() {
        while (true) {
            int c = byteAt(pos);
            if (c == '#') {
                while (byteAt(pos) != '\n') {
                    pos++;
                }
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else {
                break;
            }
        }
        int v = 0;
        while (pos < b.length && Character.isDigit(b[pos])) {
            v = v * 10 + (b[pos++] - '0');
        }
        return v;
    }
}
