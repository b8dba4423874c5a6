package dev.kiln.api.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamBytesTest {
    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** A stream that announces {@code announced} bytes and returns at most {@code chunk} per read. */
    private static InputStream stream(byte[] data, int announced, int chunk) {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int available() {
                return announced;
            }

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    @Test
    void readsStreamsThatAnnounceTheirExactSize() throws IOException {
        for (int n : new int[] {0, 1, 8191, 8192, 8193, 100_000}) {
            byte[] data = random(n);
            assertArrayEquals(data, StreamBytes.readAll(stream(data, n, 1000)), "size " + n);
        }
    }

    @Test
    void readsStreamsThatAnnounceNothingOrTooLittle() throws IOException {
        for (int n : new int[] {0, 5, 8192, 8193, 24_575, 24_576, 24_577, 1_000_003}) {
            byte[] data = random(n);
            assertArrayEquals(data, StreamBytes.readAll(stream(data, 0, 777)), "unannounced size " + n);
            assertArrayEquals(data, StreamBytes.readAll(stream(data, n / 3, 4096)), "under-announced size " + n);
        }
    }

    @Test
    void readsStreamsThatAnnounceTooMuch() throws IOException {
        byte[] data = random(50_000);
        assertArrayEquals(data, StreamBytes.readAll(stream(data, 80_000, 3000)));
    }

    @Test
    void leavesTheStreamAtItsEnd() throws IOException {
        InputStream in = stream(random(30_000), 0, 10_000);
        StreamBytes.readAll(in);
        assertEquals(-1, in.read());
    }
}
