package dev.kiln.spark.train;

import dev.kiln.runtime.train.Checkpoint;
import dev.kiln.runtime.train.Network;
import dev.kiln.runtime.train.Trainer;
import java.util.Iterator;
import java.util.List;

/**
 * One partition's round in averaging mode: start from the broadcast state, take {@code steps} local
 * steps on the shard, return the flattened weights and optimizer state (and the mean loss, last) for
 * the driver to sum with treeAggregate. Runs on an executor thread; holds nothing after.
 */
final class AverageWorker {
    private AverageWorker() {
    }

    static Iterator<float[]> run(JobSpec job, int rank, byte[] start, int steps, Iterator<Example> rows) {
        Network network = job.network().get();
        Shard shard = Shard.of(rows, network.input(), network.inputShape(), job.labelColumn(network));
        try (Trainer trainer = job.newTrainer()) {
            trainer.restore(TrainingState.decode(start));
            double lossSum = 0;
            for (int i = 0; i < steps; i++) {
                long s = trainer.step();
                int epoch = (int) (s / job.stepsPerEpoch());
                Trainer.StepGradients g = trainer.gradients(shard.batch(job.seed(), epoch, rank, (int) (s % job.stepsPerEpoch()),
                        job.batchPerWorker()));
                trainer.applyGradients(g.gradients());
                lossSum += g.loss();
            }
            Checkpoint c = trainer.checkpoint();
            float[] state = TrainingState.flatten(c);
            float[] out = java.util.Arrays.copyOf(state, state.length + 1);
            out[state.length] = (float) (lossSum / steps);
            return List.of(out).iterator();
        }
    }
}
