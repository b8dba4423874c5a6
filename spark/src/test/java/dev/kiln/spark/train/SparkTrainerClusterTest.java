package dev.kiln.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.spark.MnistRows;
import dev.kiln.spark.SparkClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every-step data-parallel training of the MNIST CNN on a {@code local-cluster} of four executor JVMs:
 * 1,600 rows, a global batch of 64, two epochs = 50 steps, against one process on the same batches.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkTrainerClusterTest {
    private static final int ROWS = 1600;
    private static final int GLOBAL_BATCH = 64;
    private static final double TOLERANCE = 1e-4;
    private static SparkSession spark;
    private static MnistRows mnist;
    private static Dataset<Row> rows;
    private static Map<String, Tensor> uninterruptedTwoWorkers;

    @BeforeAll
    static void start() {
        spark = SparkClusters.localCluster(4, "kiln-train-test");
        mnist = MnistRows.first(ROWS);
        rows = TrainingFixtures.rows(spark, mnist);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static SparkTrainer.Builder trainer(int workers) {
        return SparkTrainer.builder(spark).network(TrainingFixtures::cnn).optimizer(TrainingFixtures::adam).workers(workers)
                .batchPerWorker(GLOBAL_BATCH / workers).seed(TrainingFixtures.SEED).sync(Sync.EVERY_STEP);
    }

    @Test
    @Order(1)
    void twoWorkersMatchOneProcess() {
        Result r = trainer(2).build().fit(rows, 2);
        assertEquals(50, r.steps());
        assertEquals(50, r.losses().size());
        assertTrue(r.losses().get(49) < r.losses().get(0), "loss " + r.losses().get(0) + " -> " + r.losses().get(49));
        double diff = TrainingFixtures.maxRelativeDifference(TrainingFixtures.reference(mnist, TrainingFixtures.adam(), 2, 32, 2),
                r.parameters());
        System.out.printf("P=2: max relative weight difference to one process after 50 steps: %.3g%n", diff);
        assertTrue(diff < TOLERANCE, "relative difference " + diff);
        assertTrue(TrainingFixtures.maxRelativeDifference(r.parameters(), TrainingFixtures.initial()) > 100 * TOLERANCE, "training moved the weights");
        uninterruptedTwoWorkers = r.parameters();
    }

    @Test
    @Order(2)
    void fourWorkersMatchOneProcess() {
        Result r = trainer(4).build().fit(rows, 2);
        assertEquals(50, r.steps());
        double diff = TrainingFixtures.maxRelativeDifference(TrainingFixtures.reference(mnist, TrainingFixtures.adam(), 4, 16, 2),
                r.parameters());
        System.out.printf("P=4: max relative weight difference to one process after 50 steps: %.3g%n", diff);
        assertTrue(diff < TOLERANCE, "relative difference " + diff);
    }

    /** Runs after the uninterrupted two-worker run, whose weights it must match. */
    @Test
    @Order(3)
    void aKilledExecutorResumesFromTheLastCheckpoint(@TempDir Path dir) {
        long start = System.nanoTime();
        Result r = trainer(2).checkpoint(dir.toString(), 10).haltExecutor(1, 33).build().fit(rows, 2);
        System.out.printf("P=2 with rank 1's executor killed at step 33: done in %.1f s%n", (System.nanoTime() - start) / 1e9);
        assertEquals(50, r.steps());
        assertTrue(Files.exists(dir.resolve("kiln-spark.ckpt")));
        // the retried stage ran steps 30..49 only: rank 0's losses cover the resumed part
        assertEquals(20, r.losses().size());
        Map<String, Tensor> expected = uninterruptedTwoWorkers != null ? uninterruptedTwoWorkers
                : TrainingFixtures.reference(mnist, TrainingFixtures.adam(), 2, 32, 2);
        double diff = TrainingFixtures.maxRelativeDifference(expected, r.parameters());
        System.out.printf("P=2 resumed: max relative weight difference to the uninterrupted run: %.3g%n", diff);
        assertTrue(diff < TOLERANCE, "relative difference " + diff);
    }
}
