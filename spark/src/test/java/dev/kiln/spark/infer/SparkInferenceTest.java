package dev.kiln.spark.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.onnx.OnnxModelWriter;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.train.Losses;
import dev.kiln.runtime.train.Network;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.runtime.train.layers.Activation;
import dev.kiln.runtime.train.layers.Conv2d;
import dev.kiln.runtime.train.layers.Dense;
import dev.kiln.runtime.train.layers.Flatten;
import dev.kiln.runtime.train.layers.MaxPool2d;
import dev.kiln.runtime.train.layers.Sequential;
import dev.kiln.spark.SparkClusters;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Batch inference of a small CNN over 10,000 rows on a two-executor {@code local-cluster}. The load count
 * runs first: executors keep sessions for the JVM's life, so later tests find the model already open.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkInferenceTest {
    private static final int ROWS = 10_000;
    private static SparkSession spark;
    private static Path model;
    private static float[][] images;

    @BeforeAll
    static void start() throws Exception {
        spark = SparkClusters.localCluster(2, "kiln-infer-test");
        Network net = Network.of("image", new long[] {1, 28, 28}, Sequential.of(new Conv2d(8, 3, Activation.RELU), new MaxPool2d(2),
                new Flatten(), new Dense(10, Activation.SOFTMAX)), Losses.categoricalCrossEntropy());
        model = Files.createTempFile("kiln-spark-cnn", ".onnx");
        try (Trainer t = Trainer.builder(net).seed(3).build(); OutputStream out = Files.newOutputStream(model)) {
            new OnnxModelWriter().write(t.exportModel(Map.of()), out, 21);
        }
        Random random = new Random(5);
        images = new float[ROWS][784];
        for (float[] image : images) {
            for (int i = 0; i < image.length; i++) {
                image[i] = random.nextFloat();
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        spark.stop();
        Files.deleteIfExists(model);
    }

    private static Dataset<Row> rows(float[][] x, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            rows.add(RowFactory.create((long) i, x[i]));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType, false)
                .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, partitions), schema);
    }

    @Test
    @Order(1)
    void tenThousandRowsMatchALocalSessionAndEachExecutorLoadsOnce() {
        SparkInference inference = SparkInference.of(model).batchSize(64).input("image", "pixels").output("output", "probabilities");
        long start = System.nanoTime();
        List<Row> out = inference.transform(rows(images, 8)).select("id", "probabilities").collectAsList();
        System.out.printf("10,000 rows in %.1f s; model loads on executors: %d%n", (System.nanoTime() - start) / 1e9, inference.loads());
        assertEquals(ROWS, out.size());
        long loads = inference.loads();
        assertTrue(loads >= 1 && loads <= 2, "8 partitions on 2 executors loaded the model " + loads + " times; expected once per executor");
        float[] flat = new float[ROWS * 784];
        for (int i = 0; i < ROWS; i++) {
            System.arraycopy(images[i], 0, flat, i * 784, 784);
        }
        float[] expected;
        try (Session local = Session.open(model)) {
            expected = ((Tensor) local.run(Map.of("image", Tensor.of(flat, ROWS, 1, 28, 28))).get("output")).floatData();
        }
        double worst = 0;
        for (Row r : out) {
            int id = (int) r.getLong(0);
            List<Float> p = r.getList(1);
            assertEquals(10, p.size());
            for (int c = 0; c < 10; c++) {
                worst = Math.max(worst, Math.abs(p.get(c) - expected[id * 10 + c]));
            }
        }
        System.out.printf("largest difference to one local session over all rows: %.3g%n", worst);
        assertTrue(worst < 1e-5, "largest difference " + worst);
        inference.transform(rows(images, 4)).count();
        assertEquals(loads, inference.loads(), "a second transform must reuse the executors' sessions");
    }

    @Test
    @Order(2)
    void aRowThatDoesNotFitNamesTheRowAndTheInput() {
        float[][] x = {images[0], java.util.Arrays.copyOf(images[1], 783), images[2]};
        SparkInference inference = SparkInference.of(model).input("image", "pixels").idColumn("id");
        Exception e = assertThrows(Exception.class, () -> inference.transform(rows(x, 1)).collectAsList());
        String message = String.valueOf(e.getMessage());
        assertTrue(message.contains(RowInputException.class.getSimpleName()), message);
        assertTrue(message.contains("(id 1)") && message.contains("model input 'image'") && message.contains("expected 784 values"), message);
    }
}
