package dev.kiln.backend.cpu.kernels.random;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.util.ElementCodec;
import java.util.SplittableRandom;

/**
 * The generator of one random-op kernel. With a 'seed' attribute the n-th run of the kernel always draws
 * the same values (each run takes its own split of the seeded generator); without one, every kernel
 * starts from fresh entropy. The values cannot equal another runtime's (the spec calls these ops
 * non-deterministic across implementations). Thread-safe: runs split under a lock, then draw privately.
 */
final class RandomStream {
    private final SplittableRandom root;

    RandomStream(Node node) {
        this.root = node.hasAttribute("seed")
                ? new SplittableRandom(Double.doubleToLongBits(node.getFloat("seed", 0f)))
                : new SplittableRandom();
    }

    /** A private generator for one run. */
    synchronized SplittableRandom forRun() {
        return root.split();
    }

    /** Writes {@code values} into a new tensor of a floating type or, as 0/1 and other integers, of an integer or bool type. */
    static void store(double[] values, Tensor out) {
        if (out.dtype().isFloatingPoint()) {
            ElementCodec.fromDouble(values, 0, out, 0, values.length);
            return;
        }
        long[] whole = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            whole[i] = (long) values[i];
        }
        ElementCodec.fromLong(whole, 0, out, 0, values.length);
    }

    /** The 'dtype' attribute as a type, or {@code fallback} when absent. */
    static DType dtype(Node node, DType fallback) {
        return node.hasAttribute("dtype") ? DType.fromCode((int) node.getInt("dtype", 0)) : fallback;
    }
}
