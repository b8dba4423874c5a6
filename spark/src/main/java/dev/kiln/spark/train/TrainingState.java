package dev.kiln.spark.train;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.train.Checkpoint;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A trainer's state (a {@link Checkpoint} between epochs) as bytes for Spark to ship: broadcast to the
 * workers, returned by rank 0 (the checkpoint file format). Also flattens the weights and optimizer state into one float vector for
 * averaging. Float32 tensors only. Stateless.
 */
final class TrainingState {
    private TrainingState() {
    }

    static byte[] encode(Checkpoint c) {
        return c.toBytes();
    }

    static Checkpoint decode(byte[] b) {
        return Checkpoint.fromBytes(b);
    }

    /** Parameters then optimizer state, concatenated in map order. */
    static float[] flatten(Checkpoint c) {
        long n = 0;
        for (Map<String, Tensor> m : java.util.List.of(c.parameters(), c.optimizerState())) {
            for (Tensor t : m.values()) {
                n += t.elementCount();
            }
        }
        float[] all = new float[Math.toIntExact(n)];
        int at = 0;
        for (Map<String, Tensor> m : java.util.List.of(c.parameters(), c.optimizerState())) {
            for (Tensor t : m.values()) {
                System.arraycopy(t.floatData(), 0, all, at, t.size());
                at += t.size();
            }
        }
        return all;
    }

    /** {@code like} with its tensors' values taken from {@code flat} (as {@link #flatten} lays them out). */
    static Checkpoint unflatten(Checkpoint like, float[] flat, long step, int epoch) {
        int[] at = {0};
        return new Checkpoint(step, epoch, like.rngState(), slice(like.parameters(), flat, at), slice(like.optimizerState(), flat, at), null);
    }

    private static Map<String, Tensor> slice(Map<String, Tensor> like, float[] flat, int[] at) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        like.forEach((k, t) -> {
            float[] v = new float[t.size()];
            System.arraycopy(flat, at[0], v, 0, v.length);
            at[0] += v.length;
            out.put(k, Tensor.of(v, t.dims()));
        });
        return out;
    }
}
