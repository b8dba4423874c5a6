package dev.kiln.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.train.Optimizer;
import dev.kiln.spark.MnistRows;
import dev.kiln.spark.SparkClusters;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Parameter averaging and argument checks in {@code local[2]} mode (one JVM). */
class SparkTrainerLocalTest {
    private static SparkSession spark;
    private static MnistRows mnist;
    private static Dataset<Row> rows;

    @BeforeAll
    static void start() {
        spark = SparkClusters.local(2, "kiln-train-local-test");
        mnist = MnistRows.first(512);
        rows = TrainingFixtures.rows(spark, mnist);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Optimizer sgd() {
        return Optimizer.sgd(0.05, 0);
    }

    /** With plain SGD, averaging the weights after every single local step is the every-step update. */
    @Test
    void averagingEveryStepWithSgdMatchesOneProcess() {
        Result r = SparkTrainer.builder(spark).network(TrainingFixtures::cnn).optimizer(SparkTrainerLocalTest::sgd).workers(2)
                .batchPerWorker(32).seed(TrainingFixtures.SEED).sync(Sync.averageEvery(1)).build().fit(rows, 1);
        assertEquals(8, r.steps());
        assertEquals(8, r.losses().size());
        double diff = TrainingFixtures.maxRelativeDifference(TrainingFixtures.reference(mnist, sgd(), 2, 32, 1), r.parameters());
        assertTrue(diff < 1e-4, "relative difference " + diff);
    }

    @Test
    void averagingEveryFewStepsStillLearns() {
        Result r = SparkTrainer.builder(spark).network(TrainingFixtures::cnn).optimizer(TrainingFixtures::adam).workers(2)
                .batchPerWorker(16).seed(TrainingFixtures.SEED).sync(Sync.averageEvery(4)).build().fit(rows, 2);
        assertEquals(32, r.steps());
        assertEquals(8, r.losses().size());
        assertTrue(r.losses().get(7) < r.losses().get(0), "loss " + r.losses());
    }

    @Test
    void settingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> Sync.averageEvery(0));
        assertThrows(IllegalArgumentException.class, () -> SparkTrainer.builder(spark).network(TrainingFixtures::cnn).workers(0).build());
        assertThrows(IllegalArgumentException.class, () -> SparkTrainer.builder(spark).network(TrainingFixtures::cnn)
                .checkpoint("/tmp/x", 0).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkTrainer.builder(spark)
                .network(TrainingFixtures::cnn).workers(2).batchPerWorker(512).build().fit(rows, 1));
        assertTrue(e.getMessage().contains("512 rows cannot fill one step"), e.getMessage());
    }
}
