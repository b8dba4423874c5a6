package dev.kiln.spark.infer;

import dev.kiln.api.ir.Value;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.session.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * Batch inference over a DataFrame: {@code SparkInference.of(modelPath).batchSize(64).transform(rows)}
 * returns the rows with one array column per model output appended. Columns map to model inputs by name
 * (or {@link #input}); each row holds one sample flattened, and consecutive rows of equal per-row shape
 * run as one micro-batch of at most {@link #batchSize} rows. Each executor JVM opens the model once,
 * keyed by its SHA-256: models up to {@link #broadcastLimit} bytes travel as a broadcast, larger ones
 * are read from the given path, which every executor must reach. {@link #loads()} counts the opens.
 *
 * <p>A row whose value does not fit its input fails the task with a {@link RowInputException} naming the
 * row and the input. Builder-style and not thread-safe until {@link #transform}; transform may be called
 * many times.
 */
public final class SparkInference {
    private final Path model;
    private int batchSize = 32;
    private long broadcastLimit = 256L << 20;
    private String idColumn;
    private final Map<String, String> inputs = new LinkedHashMap<>();
    private final Map<String, String> outputs = new LinkedHashMap<>();
    private LongAccumulator loads;
    private ModelSource source;

    private SparkInference(Path model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    public static SparkInference of(Path onnxModel) {
        return new SparkInference(onnxModel);
    }

    /** Rows per micro-batch (at most). */
    public SparkInference batchSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + n);
        }
        this.batchSize = n;
        return this;
    }

    /** Models of at most this many bytes are broadcast; larger ones are read from the path on each executor. */
    public SparkInference broadcastLimit(long bytes) {
        this.broadcastLimit = bytes;
        return this;
    }

    /** Feeds model input {@code modelInput} from DataFrame column {@code column} (default: the same name). */
    public SparkInference input(String modelInput, String column) {
        inputs.put(modelInput, column);
        return this;
    }

    /** Writes model output {@code modelOutput} to column {@code column}; once any is set, only those are written. */
    public SparkInference output(String modelOutput, String column) {
        outputs.put(modelOutput, column);
        return this;
    }

    /** A column whose value names a row in errors (besides its partition and position). */
    public SparkInference idColumn(String column) {
        this.idColumn = column;
        return this;
    }

    /** Model opens on executors so far, over every transform of this object (an accumulator: read it on the driver). */
    public long loads() {
        return loads == null ? 0 : loads.value();
    }

    /** The rows with the model's outputs appended (float32 outputs as array<float>, int64 as array<bigint>). */
    public Dataset<Row> transform(Dataset<Row> rows) {
        SparkSession spark = rows.sparkSession();
        List<Value> modelInputs;
        List<Value> modelOutputs;
        try (Session s = Session.open(model)) {
            modelInputs = s.inputs();
            modelOutputs = s.outputs();
        }
        ModelSource src = source(spark);
        List<String> fieldNames = List.of(rows.columns());
        List<RowBatcher.InputSpec> feeds = new ArrayList<>();
        int[] columns = new int[modelInputs.size()];
        for (Value in : modelInputs) {
            String column = inputs.getOrDefault(in.name(), in.name());
            int at = fieldNames.indexOf(column);
            if (at < 0) {
                throw new IllegalArgumentException("model input '" + in.name() + "' reads column '" + column + "', which the rows lack; columns: "
                        + fieldNames);
            }
            columns[feeds.size()] = at;
            feeds.add(RowBatcher.InputSpec.of(in));
        }
        StructType schema = rows.schema();
        List<String> wanted = new ArrayList<>();
        for (Value out : modelOutputs) {
            if (outputs.isEmpty() || outputs.containsKey(out.name())) {
                wanted.add(out.name());
                DType t = out.tensorType().elementType();
                schema = schema.add(new StructField(outputs.getOrDefault(out.name(), out.name()),
                        DataTypes.createArrayType(t == DType.INT64 ? DataTypes.LongType : DataTypes.FloatType, false), false,
                        org.apache.spark.sql.types.Metadata.empty()));
            }
        }
        if (wanted.size() < outputs.size()) {
            throw new IllegalArgumentException("outputs " + outputs.keySet() + " asked for; the model has " + modelOutputs.stream().map(Value::name).toList());
        }
        int id = idColumn == null ? -1 : fieldNames.indexOf(idColumn);
        PartitionRunner runner = new PartitionRunner(src, feeds, columns, wanted, batchSize, id);
        JavaRDD<Row> out = rows.javaRDD().mapPartitionsWithIndex(runner::run, true);
        return spark.createDataFrame(out, schema);
    }

    private ModelSource source(SparkSession spark) {
        if (source == null) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            loads = spark.sparkContext().longAccumulator("kiln model loads");
            try {
                long size = Files.size(model);
                byte[] bytes = size <= broadcastLimit ? Files.readAllBytes(model) : null;
                String hash = bytes != null ? sha256(bytes) : sha256(model);
                source = new ModelSource(hash, bytes != null ? jsc.broadcast(bytes) : null, bytes == null ? model.toAbsolutePath().toString() : null,
                        loads);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read model " + model, e);
            }
        }
        return source;
    }

    private static String sha256(byte[] b) {
        return HexFormat.of().formatHex(digest().digest(b));
    }

    private static String sha256(Path p) throws IOException {
        MessageDigest d = digest();
        try (var in = new java.security.DigestInputStream(Files.newInputStream(p), d)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs one partition in micro-batches; serializable with what it needs. */
    private record PartitionRunner(ModelSource source, List<RowBatcher.InputSpec> feeds, int[] columns, List<String> wanted, int batchSize,
                                   int idColumn) implements java.io.Serializable {
        Iterator<Row> run(int partition, Iterator<Row> rows) {
            Session session = source.session();
            List<Row> out = new ArrayList<>();
            List<Row> batch = new ArrayList<>();
            List<String> names = new ArrayList<>();
            List<long[]> batchDims = null;
            long position = 0;
            while (rows.hasNext()) {
                Row r = rows.next();
                String name = "partition " + partition + " row " + position++ + (idColumn >= 0 ? " (id " + r.get(idColumn) + ")" : "");
                List<long[]> dims = new ArrayList<>();
                for (int i = 0; i < feeds.size(); i++) {
                    dims.add(RowBatcher.sampleDims(feeds.get(i), r.get(columns[i]), name));
                }
                if (batchDims != null && (batch.size() == batchSize || !sameDims(batchDims, dims))) {
                    flush(session, batch, names, batchDims, out);
                }
                batchDims = dims;
                batch.add(r);
                names.add(name);
            }
            if (!batch.isEmpty()) {
                flush(session, batch, names, batchDims, out);
            }
            return out.iterator();
        }

        private void flush(Session session, List<Row> batch, List<String> names, List<long[]> dims, List<Row> out) {
            Map<String, Tensor> in = new LinkedHashMap<>();
            for (int i = 0; i < feeds.size(); i++) {
                List<Object> values = new ArrayList<>(batch.size());
                for (Row r : batch) {
                    values.add(r.get(columns[i]));
                }
                in.put(feeds.get(i).name(), RowBatcher.stack(feeds.get(i), values, dims.get(i), names));
            }
            Map<String, dev.kiln.api.tensor.RuntimeValue> result = session.run(in, wanted);
            for (int r = 0; r < batch.size(); r++) {
                Row row = batch.get(r);
                Object[] values = new Object[row.length() + wanted.size()];
                for (int c = 0; c < row.length(); c++) {
                    values[c] = row.get(c);
                }
                for (int o = 0; o < wanted.size(); o++) {
                    values[row.length() + o] = RowBatcher.rowOf((Tensor) result.get(wanted.get(o)), r);
                }
                out.add(RowFactory.create(values));
            }
            batch.clear();
            names.clear();
        }

        private static boolean sameDims(List<long[]> a, List<long[]> b) {
            for (int i = 0; i < a.size(); i++) {
                if (!java.util.Arrays.equals(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
    }
}
