package dev.kiln.samples.train;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.train.Dataset;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The MNIST digits shipped with the samples (resources data/mnist: 7,996 training and 2,004 test images
 * as gzipped IDX files; see samples/data-prep/README.md for their source and licence). Pixels are scaled
 * to [0, 1]; labels are one-hot over 10 classes in column "label". Stateless.
 */
public final class Mnist {
    public static final int SIDE = 28;
    public static final int CLASSES = 10;

    private Mnist() {
    }

    /** The training set, images flat ([N, 784]) or as images ([N, 1, 28, 28]) in column "image". */
    public static Dataset train(boolean asImages) {
        return load("train", asImages);
    }

    public static Dataset test(boolean asImages) {
        return load("test", asImages);
    }

    private static Dataset load(String split, boolean asImages) {
        byte[] pixels = read(split + "-images-idx3-ubyte.gz", 0x803);
        byte[] labels = read(split + "-labels-idx1-ubyte.gz", 0x801);
        int n = labels.length;
        float[] x = new float[pixels.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (pixels[i] & 0xFF) / 255f;
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = labels[i];
        }
        Tensor images = asImages ? Tensor.of(x, n, 1, SIDE, SIDE) : Tensor.of(x, n, SIDE * SIDE);
        return Dataset.of(Map.of("image", images, "label", Dataset.oneHot(y, CLASSES)));
    }

    /** The payload of an IDX file after its header, checking the magic number. */
    private static byte[] read(String resource, int magic) {
        String path = "/data/mnist/" + resource;
        try (InputStream raw = Mnist.class.getResourceAsStream(path)) {
            if (raw == null) {
                throw new IllegalStateException("resource " + path + " is missing from the samples jar");
            }
            DataInputStream in = new DataInputStream(new GZIPInputStream(raw));
            int m = in.readInt();
            if (m != magic) {
                throw new IllegalStateException(path + ": IDX magic " + Integer.toHexString(m) + ", expected " + Integer.toHexString(magic));
            }
            int count = in.readInt();
            int size = count;
            for (int d = 0; d < (magic & 0xFF) - 1; d++) {
                size *= in.readInt();
            }
            byte[] data = new byte[size];
            in.readFully(data);
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
