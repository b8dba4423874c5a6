package dev.kiln.spark.train;

import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.train.Checkpoint;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A trainer's state (a {@link Checkpoint} between epochs) as bytes for Spark to ship: broadcast to the
 * workers, returned by rank 0. Also flattens the weights and optimizer state into one float vector for
 * averaging. Float32 tensors only. Stateless.
 */
final class TrainingState {
    private TrainingState() {
    }

    static byte[] encode(Checkpoint c) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeLong(c.step());
            out.writeInt(c.epoch());
            out.writeLong(c.rngState());
            writeTensors(out, c.parameters());
            writeTensors(out, c.optimizerState());
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Checkpoint decode(byte[] b) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
            long step = in.readLong();
            int epoch = in.readInt();
            long rng = in.readLong();
            Map<String, Tensor> params = readTensors(in);
            Map<String, Tensor> state = readTensors(in);
            return new Checkpoint(step, epoch, rng, params, state, null);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt training state", e);
        }
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

    private static void writeTensors(DataOutputStream out, Map<String, Tensor> tensors) throws IOException {
        out.writeInt(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            if (t.dtype() != DType.FLOAT) {
                throw new IllegalArgumentException("'" + e.getKey() + "': only float32 state travels, got " + t.describe());
            }
            out.writeUTF(e.getKey());
            long[] dims = t.dims();
            out.writeInt(dims.length);
            for (long d : dims) {
                out.writeLong(d);
            }
            for (float f : t.floatData()) {
                out.writeFloat(f);
            }
        }
    }

    private static Map<String, Tensor> readTensors(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            long[] dims = new long[in.readInt()];
            long count = 1;
            for (int d = 0; d < dims.length; d++) {
                dims[d] = in.readLong();
                count *= dims[d];
            }
            float[] v = new float[Math.toIntExact(count)];
            for (int j = 0; j < v.length; j++) {
                v[j] = in.readFloat();
            }
            out.put(name, Tensor.of(v, dims));
        }
        return out;
    }
}
