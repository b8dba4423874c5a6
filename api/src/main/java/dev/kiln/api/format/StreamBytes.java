package dev.kiln.api.format;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a stream to its end into one array, for model-sized streams. {@link InputStream#readAllBytes()} gathers
 * a stream in thousands of 8 KB pieces that all stay live until the end: on a garbage-collected heap a large
 * model then becomes thousands of small objects that every young collection during the read copies again (and
 * a collector that spends that long copying grows the heap for good). This reader starts from the size the
 * stream announces ({@link InputStream#available()}, exact for files and jar entries), so a model usually lands
 * in the one array it is returned in; otherwise it reads into pieces that double in size, so that the large
 * ones are allocated directly in the old generation and a model-sized stream takes a few dozen pieces.
 *
 * <p>Stateless; the stream is read to its end but not closed.
 */
public final class StreamBytes {
    private static final int FIRST_PIECE = 8192;
    // the largest array length every JVM allows
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private StreamBytes() {
    }

    /** All remaining bytes of {@code in}; IOException as the stream throws it, or when the stream exceeds 2 GiB. */
    public static byte[] readAll(InputStream in) throws IOException {
        int announced = Math.max(0, in.available());
        byte[] first = new byte[Math.max(announced, FIRST_PIECE)];
        int filled = fill(in, first);
        if (filled < first.length) {
            return Arrays.copyOf(first, filled);
        }
        int probe = in.read();
        if (probe < 0) {
            return first;
        }
        List<byte[]> pieces = new ArrayList<>();
        pieces.add(first);
        long total = first.length;
        byte[] piece = new byte[grow(first.length, total)];
        piece[0] = (byte) probe;
        int used = 1 + fill(in, piece, 1);
        total += used;
        while (used == piece.length) {
            pieces.add(piece);
            piece = new byte[grow(piece.length, total)];
            used = fill(in, piece, 0);
            total += used;
        }
        if (total > MAX_ARRAY) {
            throw new IOException("stream holds more than " + MAX_ARRAY + " bytes, more than one array can hold");
        }
        byte[] all = new byte[(int) total];
        int at = 0;
        for (byte[] p : pieces) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        System.arraycopy(piece, 0, all, at, used);
        return all;
    }

    private static int grow(int last, long total) throws IOException {
        if (total >= MAX_ARRAY) {
            throw new IOException("stream holds more than " + MAX_ARRAY + " bytes, more than one array can hold");
        }
        return (int) Math.min((long) last * 2, MAX_ARRAY - total + 1);
    }

    private static int fill(InputStream in, byte[] b) throws IOException {
        return fill(in, b, 0);
    }

    /** Reads into {@code b} from {@code from} until it is full or the stream ends; returns the bytes read. */
    private static int fill(InputStream in, byte[] b, int from) throws IOException {
        int at = from;
        while (at < b.length) {
            int n = in.read(b, at, b.length - at);
            if (n < 0) {
                break;
            }
            at += n;
        }
        return at - from;
    }
}
