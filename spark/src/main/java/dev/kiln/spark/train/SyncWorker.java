package dev.kiln.spark.train;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.train.Checkpoint;
import dev.kiln.runtime.train.Network;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.spark.comm.TcpRingTransport;
import dev.kiln.spark.comm.Transport;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;

/**
 * The body of one barrier task (one rank) in every-step mode: one {@code allGather} of ring addresses,
 * then per step local gradients, a ring all-reduce of the flattened gradients, division by P and the
 * same optimizer update on every rank. Rank 0 writes checkpoints and returns the final state; a retried
 * stage starts every rank from the last checkpoint. Runs on an executor thread; holds nothing after.
 */
final class SyncWorker {
    private SyncWorker() {
    }

    static Iterator<byte[]> run(JobSpec job, Iterator<Example> rows) throws Exception {
        BarrierTaskContext ctx = BarrierTaskContext.get();
        int rank = ctx.partitionId();
        int size = ctx.getTaskInfos().length;
        if (size != job.workers()) {
            throw new IllegalStateException("barrier stage has " + size + " tasks; expected " + job.workers() + " workers");
        }
        Network network = job.network().get();
        Shard shard = Shard.of(rows, network.input(), network.inputShape(), job.labelColumn(network));
        String host = ctx.getTaskInfos()[rank].address().split(":")[0];
        try (TcpRingTransport ring = TcpRingTransport.listen(rank, size, host.isEmpty() ? "127.0.0.1" : host);
             Trainer trainer = job.newTrainer();
             Watchdog ignored = new Watchdog(ctx, ring)) {
            List<String> addresses = Arrays.asList(ctx.allGather(ring.address()));
            ring.connect(addresses);
            if (job.checkpointFile() != null && Files.exists(job.checkpointFile())) {
                trainer.restore(Checkpoint.read(job.checkpointFile()));
            }
            List<Double> losses = train(job, rank, shard, trainer, ring, ctx);
            if (rank != 0) {
                return java.util.Collections.emptyIterator();
            }
            return List.of(Result.encode(TrainingState.encode(trainer.checkpoint()), losses)).iterator();
        }
    }

    private static List<Double> train(JobSpec job, int rank, Shard shard, Trainer trainer, Transport ring, BarrierTaskContext ctx) {
        List<Double> losses = new ArrayList<>();
        float scale = 1f / ring.size();
        for (long s = trainer.step(); s < job.totalSteps(); s++) {
            if (rank == job.haltRank() && s == job.haltStep() && ctx.stageAttemptNumber() == 0
                    && !"driver".equals(SparkEnv.get().executorId())) {
                Runtime.getRuntime().halt(137);
            }
            int epoch = (int) (s / job.stepsPerEpoch());
            Trainer.StepGradients g = trainer.gradients(shard.batch(job.seed(), epoch, rank, (int) (s % job.stepsPerEpoch()),
                    job.batchPerWorker()));
            float[] flat = flatten(g);
            ring.allReduceSum(flat);
            trainer.applyGradients(unflatten(g.gradients(), flat, scale));
            losses.add(flat[flat.length - 1] * (double) scale);
            if (rank == 0 && job.checkpointFile() != null && job.checkpointEvery() > 0 && (s + 1) % job.checkpointEvery() == 0) {
                trainer.checkpoint().write(job.checkpointFile());
            }
        }
        return losses;
    }

    /** Every gradient, then the loss, in one vector (the loss rides along for the driver's history). */
    static float[] flatten(Trainer.StepGradients g) {
        int n = 1;
        for (Tensor t : g.gradients().values()) {
            n += t.size();
        }
        float[] flat = new float[n];
        int at = 0;
        for (Tensor t : g.gradients().values()) {
            System.arraycopy(t.floatData(), 0, flat, at, t.size());
            at += t.size();
        }
        flat[at] = (float) g.loss();
        return flat;
    }

    static Map<String, Tensor> unflatten(Map<String, Tensor> like, float[] flat, float scale) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        int at = 0;
        for (Map.Entry<String, Tensor> e : like.entrySet()) {
            float[] v = new float[e.getValue().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = flat[at + i] * scale;
            }
            at += v.length;
            out.put(e.getKey(), Tensor.of(v, e.getValue().dims()));
        }
        return out;
    }

    /**
     * Closes the ring when Spark marks the task killed (a peer failed), so a rank blocked reading a live
     * but stalled peer fails instead of waiting forever.
     */
    private static final class Watchdog implements AutoCloseable {
        private final Thread thread;

        Watchdog(BarrierTaskContext ctx, Transport ring) {
            thread = new Thread(() -> {
                try {
                    while (!ctx.isInterrupted()) {
                        Thread.sleep(200);
                    }
                    ring.close();
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }, "kiln-ring-watchdog");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }
}
