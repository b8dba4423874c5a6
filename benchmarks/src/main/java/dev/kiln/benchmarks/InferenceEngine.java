package dev.kiln.benchmarks;

import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.backend.cpu.CpuBackendProvider;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.samples.bench.Workload;
import dev.kiln.testing.OrtRunner;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One engine opened once on a {@link Workload} for an inference benchmark: Kiln's session on its CPU backend,
 * or ONNX Runtime 1.23.2 (all graph optimizations, one inter-op thread) on the same model bytes and inputs, as
 * {@code kiln bench --compare-ort} runs them. Each {@link #run} returns every output as a host tensor, so both
 * engines do the same work per call (ORT's copy in and out included). Owns its session: close it. Not
 * thread-safe (a benchmark state holds one per trial).
 */
abstract class InferenceEngine implements AutoCloseable {
    /** The engine names the benchmarks' {@code engine} parameter takes. */
    static final String KILN = "kiln";
    static final String ORT = "ort";

    /** Runs the model once on the workload's inputs; the outputs by name. */
    abstract Map<String, ?> run();

    @Override
    public abstract void close();

    /**
     * Opens {@code engine} ({@value #KILN} or {@value #ORT}) on {@code w} with {@code threads} threads (Kiln's
     * backend threads, ORT's intra-op threads); throws IllegalArgumentException naming the expected values.
     */
    static InferenceEngine open(String engine, Workload w, int threads) {
        return switch (engine) {
            case KILN -> new Kiln(w, threads);
            case ORT -> new Ort(w, threads);
            default -> throw new IllegalArgumentException("unknown engine '" + engine + "': expected kiln or ort");
        };
    }

    /** Kiln's session options for a benchmark: the CPU backend only (a GPU elsewhere must not change the figure). */
    static SessionOptions kilnOptions(int threads) {
        return SessionOptions.builder().threads(threads).backends(CpuBackendProvider.ID).build();
    }

    private static final class Kiln extends InferenceEngine {
        private final Session session;
        private final Map<String, RuntimeValue> feeds;

        Kiln(Workload w, int threads) {
            session = Session.open(w.modelBytes(), kilnOptions(threads));
            feeds = new LinkedHashMap<>(w.feeds());
        }

        @Override
        Map<String, ?> run() {
            return session.run(feeds);
        }

        @Override
        public void close() {
            session.close();
        }
    }

    private static final class Ort extends InferenceEngine {
        private final OrtRunner runner;
        private final Workload workload;

        Ort(Workload w, int threads) {
            runner = new OrtRunner(w.modelBytes(), threads);
            workload = w;
        }

        @Override
        Map<String, ?> run() {
            return runner.run(workload.feeds());
        }

        @Override
        public void close() {
            runner.close();
        }
    }
}
