package dev.kiln.samples.cli;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.runtime.train.Optimizer;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.samples.text.Encoding;
import dev.kiln.samples.text.SentenceEmbedder;
import dev.kiln.samples.text.WordPieceTokenizer;
import dev.kiln.samples.train.Mnist;
import dev.kiln.spark.infer.SparkInference;
import dev.kiln.spark.train.Result;
import dev.kiln.spark.train.SparkTrainer;
import dev.kiln.spark.train.Sync;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Kiln on Spark in local mode: MiniLM batch embedding of a few thousand generated sentences with
 * {@link SparkInference}, then a two-worker every-step fine-tune of the MNIST CNN with {@link SparkTrainer}.
 * Spark is not inside kiln.jar; scripts/spark-demo.sh puts it on the class path.
 */
@Command(name = "spark-demo", description = "MiniLM batch embedding and a 2-worker MNIST fine-tune on Spark in local mode "
        + "(run through scripts/spark-demo.sh, which adds Spark to the class path).")
final class SparkDemoCommand implements Callable<Integer> {
    private static final int TOKENS = 16;

    @Option(names = "--rows", description = "sentences to embed (default ${DEFAULT-VALUE})")
    int rows = 3000;

    @Option(names = "--train-rows", description = "MNIST rows for the fine-tune (default ${DEFAULT-VALUE})")
    int trainRows = 2048;

    @Override
    public Integer call() throws Exception {
        try {
            Class.forName("org.apache.spark.sql.SparkSession");
        } catch (ClassNotFoundException e) {
            System.err.println("Spark is not on the class path; run scripts/spark-demo.sh (kiln.jar leaves Spark out: it is ~150 MB)");
            return 2;
        }
        SparkSession spark = SparkSession.builder().master("local[2]").appName("kiln-spark-demo")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        try {
            embed(spark);
            fineTune(spark);
        } finally {
            spark.stop();
        }
        return 0;
    }

    private void embed(SparkSession spark) throws Exception {
        Path model = Files.createTempFile("all-minilm-l6-v2", ".onnx");
        WordPieceTokenizer tokenizer;
        try (InputStream m = SparkDemoCommand.class.getResourceAsStream(SentenceEmbedder.MINILM_MODEL);
             InputStream t = SparkDemoCommand.class.getResourceAsStream(SentenceEmbedder.MINILM_TOKENIZER)) {
            Files.copy(m, model, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            tokenizer = WordPieceTokenizer.fromJson(t).withMaxLength(TOKENS);
        }
        List<String> sentences = sentences(rows);
        List<Row> data = new ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) {
            Encoding e = tokenizer.encode(sentences.get(i)).padTo(TOKENS, "[PAD]", 0);
            data.add(RowFactory.create((long) i, e.ids(), e.attentionMask(), e.typeIds()));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("input_ids", DataTypes.createArrayType(DataTypes.LongType, false))
                .add("attention_mask", DataTypes.createArrayType(DataTypes.LongType, false))
                .add("token_type_ids", DataTypes.createArrayType(DataTypes.LongType, false));
        Dataset<Row> df = spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(data, 4), schema);
        SparkInference inference = SparkInference.of(model).batchSize(32).output("last_hidden_state", "hidden");
        long start = System.nanoTime();
        List<Row> out = inference.transform(df).select("id", "attention_mask", "hidden").collectAsList();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("embedded %d sentences in %.1f s (%.0f rows/s) on local[2]; model loads: %d%n", out.size(), seconds,
                out.size() / seconds, inference.loads());
        try (SentenceEmbedder local = SentenceEmbedder.allMiniLmL6V2(SessionOptions.defaults())) {
            double worst = 1;
            for (Row r : out.subList(0, 8)) {
                int id = (int) r.getLong(0);
                List<Long> mask = r.getList(1);
                List<Float> hidden = r.getList(2);
                float[] h = new float[hidden.size()];
                for (int i = 0; i < h.length; i++) {
                    h[i] = hidden.get(i);
                }
                long[] m = mask.stream().mapToLong(Long::longValue).toArray();
                float[] mine = SentenceEmbedder.normalize(SentenceEmbedder.meanPool(Tensor.of(h, 1, TOKENS, h.length / TOKENS),
                        Tensor.of(m, 1, TOKENS))[0]);
                float[] theirs = local.embed(List.of(sentences.get(id)))[0];
                worst = Math.min(worst, SentenceEmbedder.cosine(mine, theirs));
            }
            System.out.printf("8 rows checked against a local SentenceEmbedder: lowest cosine %.6f%n", worst);
        }
        Files.deleteIfExists(model);
    }

    private void fineTune(SparkSession spark) {
        dev.kiln.runtime.train.Dataset train = Mnist.train(false);
        Tensor x = train.column("image");
        Tensor y = train.column("label");
        int n = Math.min(trainRows, train.size());
        List<Row> data = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] image = new float[784];
            float[] label = new float[10];
            System.arraycopy(x.floatData(), i * 784, image, 0, 784);
            System.arraycopy(y.floatData(), i * 10, label, 0, 10);
            data.add(RowFactory.create(image, label));
        }
        StructType schema = new StructType().add("image", DataTypes.createArrayType(DataTypes.FloatType, false))
                .add("label", DataTypes.createArrayType(DataTypes.FloatType, false));
        Dataset<Row> df = spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(data, 2), schema);
        long start = System.nanoTime();
        Result r = SparkTrainer.builder(spark).network(TrainMnistCommand::cnnNetwork).optimizer(() -> Optimizer.adam(1e-3))
                .workers(2).batchPerWorker(32).sync(Sync.EVERY_STEP).build().fit(df, 1);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Double> losses = r.losses();
        System.out.printf("2-worker fine-tune: %d steps of 64 rows in %.1f s, loss %.3f -> %.3f%n", r.steps(), seconds, losses.get(0),
                losses.get(losses.size() - 1));
        try (Trainer local = Trainer.builder(TrainMnistCommand.cnnNetwork()).optimizer(Optimizer.adam(1e-3)).build()) {
            r.applyTo(local);
            Evaluation e = local.evaluate(Mnist.test(true));
            System.out.printf("test accuracy of the trained weights: %.1f%% (loss %.3f)%n", 100 * e.firstAccuracy(), e.loss());
        }
    }

    /** Generated sentences: a subject, a verb and an object from short lists, so thousands are distinct. */
    static List<String> sentences(int n) {
        String[] who = {"The cat", "A small robot", "My neighbour", "The old fisherman", "A student", "The pilot", "Our team", "The baker"};
        String[] did = {"painted", "repaired", "found", "carried", "described", "sold", "watched", "forgot"};
        String[] what = {"a red boat", "the broken clock", "an ancient map", "fresh bread", "the garden fence", "a quiet song",
            "the winter coat", "a paper kite"};
        String[] when = {"yesterday", "at dawn", "last summer", "in the rain", "after lunch", "on Sunday", "by the river", "twice"};
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(who[i % 8] + " " + did[(i / 8) % 8] + " " + what[(i / 64) % 8] + " " + when[(i / 512) % 8] + ".");
        }
        return out;
    }
}
