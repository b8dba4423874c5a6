package dev.kiln.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/** Spark sessions for tests: {@code local[n]} in this JVM, or {@code local-cluster} with executor JVMs. */
public final class SparkClusters {
    private SparkClusters() {
    }

    /** {@code executors} executor JVMs of one core and 1 GiB each, on this test's class path. */
    public static SparkSession localCluster(int executors, String app) {
        String home = System.getenv("SPARK_HOME");
        try {
            Files.createDirectories(Path.of(home == null ? "." : home, "jars"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String opens = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-modules") || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty"))
                .collect(Collectors.joining(" "));
        return common(SparkSession.builder().master("local-cluster[" + executors + ",1,1024]").appName(app))
                .config("spark.executor.extraClassPath", classPath)
                .config("spark.executor.extraJavaOptions", opens + " -XX:+UseSerialGC")
                .getOrCreate();
    }

    public static SparkSession local(int threads, String app) {
        return common(SparkSession.builder().master("local[" + threads + "]").appName(app)).getOrCreate();
    }

    private static SparkSession.Builder common(SparkSession.Builder b) {
        return b.config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s")
                .config("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "60");
    }
}
