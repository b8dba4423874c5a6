package dev.kiln.runtime.train;

import dev.kiln.api.KilnException;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;

/**
 * Everything a training run needs to continue bit-identically: weights and buffers, optimizer state, the
 * step and epoch counters and the generator state. Files are written atomically: to a temporary file in
 * the same folder, forced to disk, then renamed over the target, so a crash mid-write leaves the previous
 * checkpoint intact. A CRC-32 trailer rejects a torn or corrupted file on load.
 *
 * @param step           updates done
 * @param epoch          epochs done
 * @param rngState       the trainer's generator state after {@code epoch} epochs
 * @param parameters     every parameter and buffer, by name
 * @param optimizerState every optimizer state tensor, by name
 * @param progress       where the current epoch stands when taken mid-epoch; null between epochs
 */
public record Checkpoint(long step, int epoch, long rngState, Map<String, Tensor> parameters, Map<String, Tensor> optimizerState,
                         EpochProgress progress) {
    private static final long MAGIC = 0x4B494C4E434B5031L; // "KILNCKP1"

    /**
     * A partly done epoch.
     *
     * @param order   the epoch's sample order
     * @param batch   batches done
     * @param lossSum sum over the samples done of the loss
     * @param correct samples done predicted right (first classification head)
     */
    public record EpochProgress(int[] order, int batch, double lossSum, long correct) {
        public EpochProgress {
            order = order.clone();
        }

        @Override
        public int[] order() {
            return order.clone();
        }
    }

    public Checkpoint {
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        optimizerState = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(optimizerState));
    }

    /** Writes atomically to {@code file}; throws {@link KilnException} naming the file on failure. */
    public void write(Path file) {
        write(file, UnaryOperator.identity());
    }

    /** As {@link #write(Path)}, with the file stream wrapped (tests inject failures here). */
    void write(Path file, UnaryOperator<OutputStream> wrap) {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            byte[] body = encode();
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = wrap.apply(java.nio.channels.Channels.newOutputStream(ch))) {
                out.write(body);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
            syncDirectory(dir);
        } catch (IOException | RuntimeException e) {
            throw new KilnException("checkpoint " + file + ": write failed, previous checkpoint left in place: " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the temporary name never shadows the checkpoint, so a leftover is harmless
                }
            }
        }
    }

    /** Reads a checkpoint; throws {@link KilnException} naming the file when it is missing, torn or not one. */
    public static Checkpoint read(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new KilnException("checkpoint " + file + ": cannot read: " + e.getMessage(), e);
        }
        return decode(all, "checkpoint " + file);
    }

    /** This checkpoint as the bytes {@link #write} puts in a file, e.g. to send it to another process. */
    public byte[] toBytes() {
        try {
            return encode();
        } catch (IOException e) {
            throw new KilnException("checkpoint: cannot encode: " + e.getMessage(), e);
        }
    }

    /** A checkpoint from {@link #toBytes()}; throws {@link KilnException} when the bytes are torn or not one. */
    public static Checkpoint fromBytes(byte[] bytes) {
        return decode(bytes, "checkpoint bytes");
    }

    private static Checkpoint decode(byte[] all, String what) {
        try {
            if (all.length < 12) {
                throw new KilnException(what + ": too short (" + all.length + " bytes)");
            }
            CRC32 crc = new CRC32();
            crc.update(all, 0, all.length - 8);
            long stored = ByteBuffer.wrap(all, all.length - 8, 8).getLong();
            if (stored != crc.getValue()) {
                throw new KilnException(what + ": checksum mismatch (torn or corrupted file)");
            }
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 8));
            if (in.readLong() != MAGIC) {
                throw new KilnException(what + ": not a Kiln checkpoint");
            }
            long step = in.readLong();
            int epoch = in.readInt();
            long rng = in.readLong();
            Map<String, Tensor> parameters = readTensors(in);
            Map<String, Tensor> state = readTensors(in);
            EpochProgress progress = null;
            if (in.readBoolean()) {
                int[] order = new int[in.readInt()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = in.readInt();
                }
                progress = new EpochProgress(order, in.readInt(), in.readDouble(), in.readLong());
            }
            return new Checkpoint(step, epoch, rng, parameters, state, progress);
        } catch (IOException e) {
            throw new KilnException(what + ": cannot read: " + e.getMessage(), e);
        }
    }

    private byte[] encode() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeLong(MAGIC);
        out.writeLong(step);
        out.writeInt(epoch);
        out.writeLong(rngState);
        writeTensors(out, parameters);
        writeTensors(out, optimizerState);
        out.writeBoolean(progress != null);
        if (progress != null) {
            out.writeInt(progress.order.length);
            for (int i : progress.order) {
                out.writeInt(i);
            }
            out.writeInt(progress.batch());
            out.writeDouble(progress.lossSum());
            out.writeLong(progress.correct());
        }
        out.flush();
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        return bytes.toByteArray();
    }

    private static void writeTensors(DataOutputStream out, Map<String, Tensor> tensors) throws IOException {
        out.writeInt(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            if (t.dtype() != DType.FLOAT) {
                throw new KilnException("checkpoint: tensor '" + e.getKey() + "' is " + t.describe() + "; expected float32");
            }
            out.writeUTF(e.getKey());
            out.writeInt(t.rank());
            for (long d : t.dims()) {
                out.writeLong(d);
            }
            for (float f : t.floatData()) {
                out.writeInt(Float.floatToRawIntBits(f));
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
            float[] data = new float[Math.toIntExact(count)];
            for (int k = 0; k < data.length; k++) {
                data[k] = Float.intBitsToFloat(in.readInt());
            }
            out.put(name, Tensor.of(data, dims));
        }
        return out;
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // some platforms cannot open a directory; the rename is still atomic there
        }
    }
}
