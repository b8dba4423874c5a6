package dev.kiln.spark.train;

import dev.kiln.runtime.train.Network;
import dev.kiln.runtime.train.Trainer;
import java.io.Serializable;

/**
 * Everything a worker needs to build its trainer and walk its shard, shipped with the Spark closure.
 * Immutable.
 *
 * @param network         builds the network on each worker
 * @param optimizer       builds the optimizer on each worker
 * @param workers         P, the number of ranks
 * @param batchPerWorker  rows per rank per step (the global batch is P times this)
 * @param seed            seeds the initial weights (the same on every rank), dropout and shard orders
 * @param stepsPerEpoch   steps in one pass over the smallest shard
 * @param totalSteps      steps to reach the requested epochs
 * @param checkpointDir   a folder every executor reaches, or null for none
 * @param checkpointEvery steps between checkpoints (0: none)
 * @param haltRank        tests only: the rank whose executor exits at {@code haltStep} in the first attempt; -1 for none
 * @param haltStep        tests only: see {@code haltRank}
 */
record JobSpec(Factory<Network> network, Factory<dev.kiln.runtime.train.Optimizer> optimizer, int workers, int batchPerWorker,
               long seed, int stepsPerEpoch, long totalSteps, String checkpointDir, int checkpointEvery, int haltRank,
               long haltStep) implements Serializable {

    /** A fresh trainer for this job: the same initial weights on every rank. */
    Trainer newTrainer() {
        return Trainer.builder(network.get()).optimizer(optimizer.get()).batchSize(batchPerWorker).seed(seed).build();
    }

    java.nio.file.Path checkpointFile() {
        return checkpointDir == null ? null : java.nio.file.Path.of(checkpointDir, "kiln-spark.ckpt");
    }

    String labelColumn(Network n) {
        return n.heads().get(0).labelColumn();
    }
}
