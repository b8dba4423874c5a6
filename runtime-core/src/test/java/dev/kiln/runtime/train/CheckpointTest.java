package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.KilnException;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.train.layers.Activation;
import dev.kiln.runtime.train.layers.BatchNorm;
import dev.kiln.runtime.train.layers.Dense;
import dev.kiln.runtime.train.layers.Dropout;
import dev.kiln.runtime.train.layers.Sequential;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    /** Dropout (generator state), BatchNorm (buffers) and Adam (optimizer state) all have to be restored. */
    private static Trainer trainer(TrainingListener... listeners) {
        Network net = Network.of("x", new long[] {3}, Sequential.of(new Dense(8, Activation.LINEAR), new BatchNorm(),
                Activation.RELU, new Dropout(0.3), new Dense(2, Activation.LINEAR)), Losses.softmaxCrossEntropy());
        Trainer.Builder b = Trainer.builder(net).optimizer(Optimizer.adam(0.02)).schedule(LearningRateSchedule.cosine(100, 0.1))
                .clipGradientNorm(1.0).batchSize(16).seed(99);
        for (TrainingListener l : listeners) {
            b.listener(l);
        }
        return b.build();
    }

    @Test
    void resumeContinuesBitIdentically() {
        Dataset data = Blobs.make(100, 4);
        Checkpoint uninterrupted;
        try (Trainer t = trainer()) {
            t.fit(data, null, 4);
            uninterrupted = t.checkpoint();
        }
        Path file = dir.resolve("run.ckpt");
        try (Trainer t = trainer()) {
            t.fit(data, null, 2);
            t.saveCheckpoint(file);
        }
        Checkpoint resumed;
        try (Trainer t = trainer()) {
            t.restore(Checkpoint.read(file));
            assertEquals(2, t.epoch());
            t.fit(data, null, 4);
            resumed = t.checkpoint();
        }
        assertEquals(uninterrupted.step(), resumed.step());
        assertEquals(uninterrupted.rngState(), resumed.rngState());
        assertSameTensors(uninterrupted.parameters(), resumed.parameters());
        assertSameTensors(uninterrupted.optimizerState(), resumed.optimizerState());
        assertTrue(uninterrupted.parameters().containsKey("batchnorm_0.running_mean"));
    }

    @Test
    void aRunKilledMidEpochResumesFromItsLastCheckpointBitIdentically() {
        Dataset data = Blobs.make(100, 4);
        Checkpoint uninterrupted;
        try (Trainer t = trainer()) {
            t.fit(data, null, 3);
            uninterrupted = t.checkpoint();
        }
        Path file = dir.resolve("run.ckpt");
        TrainingListener kill = new TrainingListener() {
            @Override
            public void onBatchEnd(Trainer trainer, BatchResult batch) {
                if (trainer.step() == 12) {
                    throw new IllegalStateException("killed");
                }
            }
        };
        try (Trainer t = trainer(Checkpointing.everySteps(file, 5), kill)) {
            assertThrows(IllegalStateException.class, () -> t.fit(data, null, 3));
        }
        Checkpoint saved = Checkpoint.read(file);
        assertEquals(10, saved.step());
        assertEquals(1, saved.epoch());
        assertEquals(3, saved.progress().batch());
        try (Trainer t = trainer()) {
            t.restore(saved);
            t.fit(data, null, 3);
            Checkpoint resumed = t.checkpoint();
            assertEquals(uninterrupted.step(), resumed.step());
            assertSameTensors(uninterrupted.parameters(), resumed.parameters());
            assertSameTensors(uninterrupted.optimizerState(), resumed.optimizerState());
        }
    }

    @Test
    void aWriteThatDiesHalfwayLeavesThePreviousCheckpoint() throws IOException {
        Dataset data = Blobs.make(48, 5);
        Path file = dir.resolve("run.ckpt");
        try (Trainer t = trainer()) {
            t.fit(data, null, 1);
            t.saveCheckpoint(file);
            Checkpoint first = Checkpoint.read(file);
            t.fit(data, null, 2);
            KilnException e = assertThrows(KilnException.class, () -> t.checkpoint().write(file, DiesAfter::new));
            assertTrue(e.getMessage().contains("previous checkpoint left in place"), e.getMessage());
            Checkpoint still = Checkpoint.read(file);
            assertEquals(first.step(), still.step());
            assertEquals(1, still.epoch());
            assertSameTensors(first.parameters(), still.parameters());
            try (var files = Files.list(dir)) {
                assertEquals(1, files.count(), "temporary file left behind");
            }
        }
    }

    @Test
    void aTornFileIsRefused() throws IOException {
        Path file = dir.resolve("run.ckpt");
        try (Trainer t = trainer()) {
            t.saveCheckpoint(file);
        }
        byte[] all = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(all, all.length / 2));
        KilnException e = assertThrows(KilnException.class, () -> Checkpoint.read(file));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void everyTruncationAndAFlippedBitAreRefusedNamingTheFile() throws IOException {
        Path good = dir.resolve("good.ckpt");
        try (Trainer t = trainer()) {
            t.fit(Blobs.make(16, 6), null, 1);
            t.saveCheckpoint(good);
        }
        byte[] all = Files.readAllBytes(good);
        Path bad = dir.resolve("bad.ckpt");
        for (int length : new int[] {0, 11, 12, all.length / 3, all.length - 9, all.length - 8, all.length - 1}) {
            Files.write(bad, java.util.Arrays.copyOf(all, length));
            KilnException e = assertThrows(KilnException.class, () -> Checkpoint.read(bad), "torn at " + length + " of " + all.length);
            assertTrue(e.getMessage().startsWith("checkpoint " + bad + ": "), e.getMessage());
        }
        byte[] flipped = all.clone();
        flipped[all.length / 2] ^= 0x10;
        Files.write(bad, flipped);
        KilnException e = assertThrows(KilnException.class, () -> Checkpoint.read(bad));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        assertEquals(1, Checkpoint.read(good).epoch(), "the intact file still reads");
    }

    private static void assertSameTensors(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v.floatData(), actual.get(k).floatData(), k));
    }

    /** Simulates a process killed mid-write: the stream fails after 64 bytes. */
    private static final class DiesAfter extends FilterOutputStream {
        private int written;

        DiesAfter(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = 0; i < len; i++) {
                write(b[off + i]);
            }
        }

        @Override
        public void write(int b) throws IOException {
            if (++written > 64) {
                throw new IOException("simulated crash");
            }
            super.write(b);
        }
    }
}
