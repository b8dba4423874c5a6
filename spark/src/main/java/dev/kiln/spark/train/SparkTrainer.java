package dev.kiln.spark.train;

import dev.kiln.runtime.train.Checkpoint;
import dev.kiln.runtime.train.Network;
import dev.kiln.runtime.train.Optimizer;
import dev.kiln.runtime.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Data-parallel training of a Kiln {@link Network} on a Spark cluster:
 * <pre>{@code
 * Result r = SparkTrainer.builder(spark).network(MyNets::cnn).optimizer(() -> Optimizer.adam(1e-3))
 *     .workers(8).batchPerWorker(32).sync(Sync.EVERY_STEP).checkpoint("/shared/ckpt", 100).build()
 *     .fit(trainingRows, 3);
 * }</pre>
 * Rows carry the input and the label as float or double arrays (the network's input and label column
 * names unless {@link Builder#columns} says otherwise). Row {@code i} goes to worker {@code i mod P};
 * each step every worker takes {@code batchPerWorker} rows of its shard, so the global batch is
 * {@code P * batchPerWorker}. See {@link Sync} for the two ways of keeping workers in agreement.
 *
 * <p>Every-step mode needs P free task slots at once (a barrier stage) and TCP between executors. With a
 * checkpoint folder that every executor reaches, a failed stage (an executor lost) is retried by Spark
 * and resumes from the last checkpoint, and a new {@code fit} with the same folder continues from it too.
 * Not thread-safe: one {@code fit} at a time.
 */
public final class SparkTrainer {
    private final SparkSession spark;
    private final Builder b;

    private SparkTrainer(Builder b) {
        this.spark = b.spark;
        this.b = b;
    }

    public static Builder builder(SparkSession spark) {
        return new Builder(spark);
    }

    /** Trains until {@code epochs} passes over the smallest shard are done; returns the final state. */
    public Result fit(Dataset<Row> rows, int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        Network network = b.network.get();
        String input = b.inputColumn != null ? b.inputColumn : network.input();
        String label = b.labelColumn != null ? b.labelColumn : network.heads().get(0).labelColumn();
        JavaRDD<Example> examples = RowArrays.examples(rows, input, label);
        int p = b.workers;
        JavaRDD<Example> shards = examples.mapToPair(e -> new Tuple2<>((int) (e.index() % p), e))
                .partitionBy(new HashPartitioner(p)).values();
        long n = rows.count();
        int stepsPerEpoch = (int) (n / p / b.batchPerWorker);
        if (stepsPerEpoch == 0) {
            throw new IllegalArgumentException(n + " rows cannot fill one step of " + p + " workers x " + b.batchPerWorker + " rows");
        }
        JobSpec job = new JobSpec(b.network, b.optimizer, p, b.batchPerWorker, b.seed, stepsPerEpoch, (long) epochs * stepsPerEpoch,
                b.checkpointDir, b.checkpointEvery, b.haltRank, b.haltStep);
        return b.sync.everyStep() ? everyStep(job, shards) : averaging(job, shards, b.sync.averageEvery());
    }

    private Result everyStep(JobSpec job, JavaRDD<Example> shards) {
        // the shuffle after the barrier stage makes it a shuffle-map stage, which Spark retries as a whole
        // when a task or executor fails; a failed barrier result stage would abort the job instead
        List<byte[]> out = JavaRDD.fromRDD(shards.rdd().barrier().mapPartitions(new BarrierFunction(job), false,
                scala.reflect.ClassTag$.MODULE$.apply(byte[].class)), scala.reflect.ClassTag$.MODULE$.apply(byte[].class))
                .repartition(1).collect();
        if (out.size() != 1) {
            throw new IllegalStateException("expected the state from rank 0 alone, got " + out.size() + " results");
        }
        return Result.decode(out.get(0));
    }

    private Result averaging(JobSpec job, JavaRDD<Example> shards, int k) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Example> cached = shards.cache();
        Checkpoint state;
        Path file = job.checkpointFile();
        if (file != null && Files.exists(file)) {
            state = Checkpoint.read(file);
        } else {
            try (Trainer t = job.newTrainer()) {
                state = t.checkpoint();
            }
        }
        List<Double> losses = new ArrayList<>();
        try {
            while (state.step() < job.totalSteps()) {
                int steps = (int) Math.min(k, job.totalSteps() - state.step());
                Broadcast<byte[]> start = jsc.broadcast(TrainingState.encode(state));
                float[] sum = cached.mapPartitionsWithIndex((rank, it) -> AverageWorker.run(job, rank, start.value(), steps, it), false)
                        .treeAggregate(new float[0], SparkTrainer::add, SparkTrainer::add);
                start.destroy();
                float[] mean = new float[sum.length - 1];
                for (int i = 0; i < mean.length; i++) {
                    mean[i] = sum[i] / job.workers();
                }
                losses.add((double) sum[sum.length - 1] / job.workers());
                long step = state.step() + steps;
                long before = state.step();
                state = TrainingState.unflatten(state, mean, step, (int) (step / job.stepsPerEpoch()));
                if (file != null && job.checkpointEvery() > 0 && step / job.checkpointEvery() > before / job.checkpointEvery()) {
                    state.write(file);
                }
            }
        } finally {
            cached.unpersist(false);
        }
        return new Result(state, losses);
    }

    /** Element-wise sum; the empty array is the zero. */
    private static float[] add(float[] a, float[] b) {
        if (a.length == 0) {
            return b.clone();
        }
        if (b.length == 0) {
            return a;
        }
        if (a.length != b.length) {
            throw new IllegalStateException("workers returned states of " + a.length + " and " + b.length + " values");
        }
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }

    /** The barrier stage's body as the Scala function Spark's {@code RDDBarrier} takes. */
    private static final class BarrierFunction extends scala.runtime.AbstractFunction1<scala.collection.Iterator<Example>,
            scala.collection.Iterator<byte[]>> implements java.io.Serializable {
        private final JobSpec job;

        BarrierFunction(JobSpec job) {
            this.job = job;
        }

        @Override
        public scala.collection.Iterator<byte[]> apply(scala.collection.Iterator<Example> rows) {
            try {
                return scala.jdk.javaapi.CollectionConverters.asScala(SyncWorker.run(job, scala.jdk.javaapi.CollectionConverters.asJava(rows)));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("training worker failed", e);
            }
        }
    }

    /** Configures a {@link SparkTrainer}; {@link #build()} checks the settings. */
    public static final class Builder {
        private final SparkSession spark;
        private Factory<Network> network;
        private Factory<Optimizer> optimizer = () -> Optimizer.adam(1e-3);
        private int workers = 2;
        private int batchPerWorker = 32;
        private long seed = 42;
        private Sync sync = Sync.EVERY_STEP;
        private String checkpointDir;
        private int checkpointEvery;
        private String inputColumn;
        private String labelColumn;
        private int haltRank = -1;
        private long haltStep = -1;

        private Builder(SparkSession spark) {
            this.spark = Objects.requireNonNull(spark, "spark");
        }

        /** Builds the network on the driver and on every worker (the same network each time). */
        public Builder network(Factory<Network> f) {
            this.network = Objects.requireNonNull(f, "network");
            return this;
        }

        public Builder optimizer(Factory<Optimizer> f) {
            this.optimizer = Objects.requireNonNull(f, "optimizer");
            return this;
        }

        public Builder workers(int p) {
            this.workers = p;
            return this;
        }

        public Builder batchPerWorker(int n) {
            this.batchPerWorker = n;
            return this;
        }

        /** Seeds the initial weights, dropout and the shard orders. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public Builder sync(Sync s) {
            this.sync = Objects.requireNonNull(s, "sync");
            return this;
        }

        /** Writes a checkpoint to {@code dir} (a folder every executor and the driver reach) every {@code steps} steps. */
        public Builder checkpoint(String dir, int steps) {
            this.checkpointDir = Objects.requireNonNull(dir, "dir");
            this.checkpointEvery = steps;
            return this;
        }

        /** The DataFrame columns holding the input and the label, when they differ from the network's names. */
        public Builder columns(String input, String label) {
            this.inputColumn = Objects.requireNonNull(input, "input");
            this.labelColumn = Objects.requireNonNull(label, "label");
            return this;
        }

        /** Tests only: rank {@code rank}'s executor exits at {@code step} in the stage's first attempt. */
        Builder haltExecutor(int rank, long step) {
            this.haltRank = rank;
            this.haltStep = step;
            return this;
        }

        public SparkTrainer build() {
            Objects.requireNonNull(network, "no network set");
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be >= 1, got " + workers);
            }
            if (batchPerWorker < 1) {
                throw new IllegalArgumentException("batch per worker must be >= 1, got " + batchPerWorker);
            }
            if (checkpointDir != null && checkpointEvery < 1) {
                throw new IllegalArgumentException("checkpoint interval must be >= 1 step, got " + checkpointEvery);
            }
            return new SparkTrainer(this);
        }
    }
}
