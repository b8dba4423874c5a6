package dev.kiln.spark;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The MNIST training images the samples ship (samples/src/main/resources/data/mnist), read straight from
 * the source tree since this module sits below samples: pixels in [0, 1] and one-hot labels.
 *
 * @param pixels 784 values per image
 * @param labels one-hot, 10 per image
 */
public record MnistRows(float[][] pixels, float[][] labels) {
    private static final Path DIR = Path.of("..", "samples", "src", "main", "resources", "data", "mnist");

    public static MnistRows first(int n) {
        byte[] images = payload("train-images-idx3-ubyte.gz", 16);
        byte[] digits = payload("train-labels-idx1-ubyte.gz", 8);
        float[][] x = new float[n][784];
        float[][] y = new float[n][10];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 784; j++) {
                x[i][j] = (images[i * 784 + j] & 0xFF) / 255f;
            }
            y[i][digits[i]] = 1f;
        }
        return new MnistRows(x, y);
    }

    /** The file's bytes after a header of {@code header} bytes. */
    private static byte[] payload(String file, int header) {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(DIR.resolve(file))))) {
            in.skipNBytes(header);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DIR.resolve(file) + " (the samples' MNIST files)", e);
        }
    }
}
