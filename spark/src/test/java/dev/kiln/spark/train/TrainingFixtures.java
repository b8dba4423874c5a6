package dev.kiln.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.train.Losses;
import dev.kiln.runtime.train.Network;
import dev.kiln.runtime.train.Optimizer;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.runtime.train.layers.Activation;
import dev.kiln.runtime.train.layers.Conv2d;
import dev.kiln.runtime.train.layers.Dense;
import dev.kiln.runtime.train.layers.Flatten;
import dev.kiln.runtime.train.layers.MaxPool2d;
import dev.kiln.runtime.train.layers.Sequential;
import dev.kiln.spark.MnistRows;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The MNIST CNN, its rows as a DataFrame, and the single-process reference run on the same global batches. */
final class TrainingFixtures {
    static final long SEED = 7;

    private TrainingFixtures() {
    }

    /**
     * The samples' MNIST CNN (train-mnist --cnn) without its dropout layer: a dropout mask drawn for a
     * worker's slice differs from the one a single process draws for the global batch, so with dropout the
     * runs agree in distribution only, not to 1e-4.
     */
    static Network cnn() {
        return Network.of("image", new long[] {1, 28, 28}, Sequential.of(
                new Conv2d(16, 3, Activation.RELU), new MaxPool2d(2),
                new Conv2d(32, 3, Activation.RELU), new MaxPool2d(2),
                new Flatten(), new Dense(128, Activation.RELU), new Dense(10, Activation.LINEAR)), Losses.softmaxCrossEntropy());
    }

    static Optimizer adam() {
        return Optimizer.adam(1e-3);
    }

    static Dataset<Row> rows(SparkSession spark, MnistRows m) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < m.pixels().length; i++) {
            rows.add(RowFactory.create(m.pixels()[i], m.labels()[i]));
        }
        StructType schema = new StructType()
                .add("image", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("label", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        // from an RDD, not a local list: Spark hashes a local relation's rows whenever it compares plans
        return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 3), schema);
    }

    /** One process training on the same global batches: the P shards' slices of each step, in rank order. */
    static Map<String, Tensor> reference(MnistRows m, Optimizer optimizer, int workers, int batchPerWorker, int epochs) {
        List<Shard> shards = new ArrayList<>();
        for (int r = 0; r < workers; r++) {
            List<Example> mine = new ArrayList<>();
            for (int i = r; i < m.pixels().length; i += workers) {
                mine.add(new Example(i, m.pixels()[i], m.labels()[i]));
            }
            shards.add(Shard.of(mine, "image", new long[] {1, 28, 28}, "label"));
        }
        int stepsPerEpoch = m.pixels().length / workers / batchPerWorker;
        try (Trainer t = Trainer.builder(cnn()).optimizer(optimizer).batchSize(workers * batchPerWorker).seed(SEED).build()) {
            for (int s = 0; s < epochs * stepsPerEpoch; s++) {
                List<Map<String, Tensor>> parts = new ArrayList<>();
                for (int r = 0; r < workers; r++) {
                    parts.add(shards.get(r).batch(SEED, s / stepsPerEpoch, r, s % stepsPerEpoch, batchPerWorker));
                }
                t.applyGradients(t.gradients(concat(parts)).gradients());
            }
            return new LinkedHashMap<>(t.parameters().all());
        }
    }

    private static Map<String, Tensor> concat(List<Map<String, Tensor>> parts) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String column : parts.get(0).keySet()) {
            long rows = 0;
            int size = 0;
            for (Map<String, Tensor> p : parts) {
                rows += p.get(column).dim(0);
                size += p.get(column).size();
            }
            float[] all = new float[size];
            int at = 0;
            for (Map<String, Tensor> p : parts) {
                System.arraycopy(p.get(column).floatData(), 0, all, at, p.get(column).size());
                at += p.get(column).size();
            }
            long[] dims = parts.get(0).get(column).dims();
            dims[0] = rows;
            out.put(column, Tensor.of(all, dims));
        }
        return out;
    }

    /** The largest over tensors of max|a - b| / max|b|; asserts equal names and shapes. */
    static double maxRelativeDifference(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        double worst = 0;
        for (String k : expected.keySet()) {
            float[] e = expected.get(k).floatData();
            float[] a = actual.get(k).floatData();
            assertEquals(e.length, a.length, k);
            double diff = 0;
            double scale = 0;
            for (int i = 0; i < e.length; i++) {
                diff = Math.max(diff, Math.abs(e[i] - a[i]));
                scale = Math.max(scale, Math.abs(e[i]));
            }
            assertTrue(scale > 0, k + " is all zeros");
            worst = Math.max(worst, diff / scale);
        }
        return worst;
    }

    /** The initial weights, to show that training moved them well beyond the tolerance. */
    static Map<String, Tensor> initial() {
        try (Trainer t = Trainer.builder(cnn()).optimizer(adam()).seed(SEED).build()) {
            return new LinkedHashMap<>(t.parameters().all());
        }
    }
}
