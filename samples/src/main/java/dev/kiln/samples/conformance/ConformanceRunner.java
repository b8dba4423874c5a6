package dev.kiln.samples.conformance;

import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Value;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.converters.testdata.OnnxTestCase;
import dev.kiln.converters.testdata.OnnxTestCaseReader;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.samples.Failures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Runs ONNX backend test cases (a folder holding {@code model.onnx} and {@code test_data_set_N/}) through
 * a Kiln {@link Session} and compares every output with {@link OutputComparator}. Each case runs on a
 * worker thread under a time limit, and anything it throws, errors included, becomes a failed
 * {@link CaseResult}: one broken case never stops a run. Not thread-safe; close it to stop its worker.
 */
public final class ConformanceRunner implements AutoCloseable {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    private static final long WORKER_STACK_BYTES = 64L << 20;

    private final OutputComparator comparator;
    private final SessionOptions sessionOptions;
    private final Duration timeout;
    private final UnaryOperator<Model> modelTransform;
    private ExecutorService worker;

    private ConformanceRunner(Builder b) {
        this.comparator = b.comparator;
        this.sessionOptions = b.sessionOptions;
        this.timeout = b.timeout;
        this.modelTransform = b.modelTransform;
        this.worker = newWorker();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Exports the model with Kiln's ONNX writer and reads it back: running that checks the exporter too. */
    public static UnaryOperator<Model> onnxRoundTrip() {
        return model -> ModelFormats.reader("onnx").read(ModelFormats.writer("onnx").toBytes(model), ModelLoadOptions.defaults());
    }

    /**
     * The case folders under each path: the path itself when it holds {@code model.onnx}, else its
     * sub-folders that do, sorted by name. Throws {@link IllegalArgumentException} for a path with none.
     */
    public static List<Path> findCases(Collection<Path> paths) throws IOException {
        List<Path> cases = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.isDirectory(p)) {
                throw new IllegalArgumentException("no such folder: " + p);
            }
            if (isCase(p)) {
                cases.add(p);
                continue;
            }
            try (Stream<Path> children = Files.list(p)) {
                List<Path> found = children.filter(ConformanceRunner::isCase).sorted().toList();
                if (found.isEmpty()) {
                    throw new IllegalArgumentException("no test cases in " + p + " (a case is a folder with model.onnx and test_data_set_N/)");
                }
                cases.addAll(found);
            }
        }
        return cases;
    }

    private static boolean isCase(Path dir) {
        return Files.isRegularFile(dir.resolve("model.onnx"));
    }

    /** Runs the cases in order, handing each result to {@code listener} as it comes; returns them all. */
    public List<CaseResult> run(List<Path> cases, Consumer<CaseResult> listener) {
        List<CaseResult> results = new ArrayList<>(cases.size());
        for (Path c : cases) {
            CaseResult r = runCase(c);
            listener.accept(r);
            results.add(r);
        }
        return results;
    }

    /** Runs one case folder under the time limit. */
    public CaseResult runCase(Path caseDir) {
        String name = caseDir.getFileName().toString();
        long start = System.nanoTime();
        Future<String> outcome = worker.submit(() -> check(caseDir));
        try {
            String reason = outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long ms = elapsed(start);
            return reason == null ? CaseResult.pass(name, ms) : CaseResult.fail(name, reason, ms);
        } catch (TimeoutException e) {
            // The stuck thread cannot be killed; abandon it (a daemon) and give later cases a fresh one.
            outcome.cancel(true);
            worker.shutdownNow();
            worker = newWorker();
            return CaseResult.fail(name, "timed out after " + describe(timeout), elapsed(start));
        } catch (ExecutionException e) {
            return CaseResult.fail(name, Failures.oneLine(e.getCause()), elapsed(start));
        } catch (InterruptedException e) {
            outcome.cancel(true);
            Thread.currentThread().interrupt();
            return CaseResult.fail(name, "interrupted", elapsed(start));
        }
    }

    /** Null when every data set matches, else the first mismatch. */
    private String check(Path caseDir) {
        OnnxTestCase testCase = OnnxTestCaseReader.read(caseDir);
        Model model = modelTransform.apply(testCase.model());
        List<Value> outputs = model.graph().outputs();
        try (Session session = Session.open(model, sessionOptions)) {
            for (int d = 0; d < testCase.dataSets().size(); d++) {
                OnnxTestCase.DataSet data = testCase.dataSets().get(d);
                if (data.outputs().size() > outputs.size()) {
                    return "data set " + d + " has " + data.outputs().size() + " outputs, the model " + outputs.size();
                }
                Map<String, RuntimeValue> actual = session.run(feeds(model, data.inputs()));
                for (int k = 0; k < data.outputs().size(); k++) {
                    String out = outputs.get(k).name();
                    String diff = comparator.difference(data.outputs().get(k), actual.get(out));
                    if (diff != null) {
                        return "output '" + out + "'" + (d > 0 ? " of data set " + d : "") + ": " + diff;
                    }
                }
            }
        }
        return null;
    }

    /**
     * A data set's inputs by name: input K feeds the K-th graph input that has no initializer, as the
     * ONNX backend tests define it. Throws {@link IllegalArgumentException} when there are more values than inputs.
     */
    public static Map<String, RuntimeValue> feeds(Model model, List<RuntimeValue> values) {
        List<Value> inputs = model.graph().requiredInputs();
        if (values.size() > inputs.size()) {
            throw new IllegalArgumentException(values.size() + " input values for a model with " + inputs.size() + " inputs");
        }
        Map<String, RuntimeValue> feeds = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            feeds.put(inputs.get(i).name(), values.get(i));
        }
        return feeds;
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static long elapsed(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            // A big stack lets deeply nested graphs recurse; an overflow still only fails its case.
            Thread t = new Thread(null, r, "kiln-conformance", WORKER_STACK_BYTES);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }

    /** Collects a runner's settings; defaults are the ONNX tolerances, default session options and 20 s per case. */
    public static final class Builder {
        private OutputComparator comparator = OutputComparator.defaults();
        private SessionOptions sessionOptions = SessionOptions.builder().build();
        private Duration timeout = DEFAULT_TIMEOUT;
        private UnaryOperator<Model> modelTransform = UnaryOperator.identity();

        private Builder() {
        }

        public Builder comparator(OutputComparator c) {
            this.comparator = c;
            return this;
        }

        public Builder sessionOptions(SessionOptions o) {
            this.sessionOptions = o;
            return this;
        }

        /** The most time one case may take, loading and every data set included. */
        public Builder timeout(Duration d) {
            this.timeout = d;
            return this;
        }

        /** Applied to each model after loading, before the session opens (see {@link #onnxRoundTrip()}). */
        public Builder modelTransform(UnaryOperator<Model> t) {
            this.modelTransform = t;
            return this;
        }

        public ConformanceRunner build() {
            Objects.requireNonNull(comparator, "comparator");
            Objects.requireNonNull(sessionOptions, "sessionOptions");
            Objects.requireNonNull(modelTransform, "modelTransform");
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the time limit per case must be positive, got " + timeout);
            }
            return new ConformanceRunner(this);
        }
    }
}
