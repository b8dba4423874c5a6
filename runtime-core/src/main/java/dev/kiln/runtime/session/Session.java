package dev.kiln.runtime.session;

import dev.kiln.api.ExecutionException;
import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.GraphVerifier;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.backend.BackendRegistry;
import dev.kiln.runtime.exec.Executor;
import dev.kiln.runtime.passes.GraphOptimizer;
import dev.kiln.runtime.exec.OpTiming;
import dev.kiln.runtime.exec.NodePlacement;
import dev.kiln.runtime.exec.RunLimits;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model ready to run. Opening a session verifies the graph, creates the backends, places every node
 * (highest-preference backend that can run it, the CPU as fallback), compiles every kernel once and
 * plans copies and memory reuse; {@link #run} then only executes.
 *
 * <p>Threading: {@link #run} may be called from many threads at once; each run has its own values.
 * {@link #close()} waits for runs in progress. Ownership: the session owns its backends and closes them;
 * inputs stay the caller's and are not modified, except those a run's {@link RunOptions.Builder#donate donates},
 * whose storage that run may reuse for its outputs; returned outputs are the caller's. Closing frees the
 * backends' memory at once, native memory included (prepacked weights), not when the collector gets to it.
 * After close, every method but {@code close} throws {@link IllegalStateException} naming the session's
 * graph as closed.
 *
 * <p>Static {@code open} methods use the backends on the class path ({@link BackendRegistry#defaultRegistry()});
 * {@link SessionFactory} opens sessions with another registry.
 */
public final class Session implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    /** Bytes beyond its constant inputs that evaluating one node for constant folding may allocate. */
    private static final long FOLDING_HEADROOM = 64L << 20;

    private final Model model;
    private final List<Backend> backends;
    private final Executor executor;
    private final InputValidator validator;
    private final List<Value> inputs;
    private final List<Value> outputs;
    private final List<String> outputNames;
    private final List<NodeAssignment> assignment;
    private final String summary;
    private final boolean checkNonFinite;
    private final java.time.Duration runTimeout;
    private final long maxRunBytes;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private Session(Model model, List<Backend> backends, Executor executor, SessionOptions options) {
        this.model = model;
        this.runTimeout = options.runTimeout();
        this.maxRunBytes = options.maxRunBytes();
        this.backends = backends;
        this.executor = executor;
        this.checkNonFinite = options.checkNonFinite();
        Graph g = model.graph();
        List<Value> required = g.requiredInputs();
        List<Value> optional = g.inputs().stream().filter(v -> g.initializers().containsKey(v.name())).toList();
        List<Value> all = new ArrayList<>(required);
        all.addAll(optional);
        this.inputs = List.copyOf(all);
        this.outputs = g.outputs();
        this.outputNames = outputs.stream().map(Value::name).toList();
        this.validator = new InputValidator(required, optional);
        List<NodeAssignment> a = new ArrayList<>();
        for (NodePlacement p : executor.placements()) {
            a.add(new NodeAssignment(p.node().name(), p.node().opType(), p.node().domain(), p.backendId()));
        }
        this.assignment = List.copyOf(a);
        this.summary = summarize(assignment, backends, executor.copySteps());
    }

    /** Opens a model file with default options. */
    public static Session open(Path modelFile) {
        return open(modelFile, SessionOptions.defaults());
    }

    /** Opens a model file; external data is resolved in the file's folder. */
    public static Session open(Path modelFile, SessionOptions options) {
        return defaultFactory().open(modelFile, options);
    }

    /** Opens a model from its serialized bytes (external data is refused unless the options name a folder). */
    public static Session open(byte[] modelBytes, SessionOptions options) {
        return defaultFactory().open(modelBytes, options);
    }

    /** Opens a model read from a stream, which is read to its end but not closed. */
    public static Session open(InputStream modelStream, SessionOptions options) {
        return defaultFactory().open(modelStream, options);
    }

    /** Opens a model already in memory. */
    public static Session open(Model model, SessionOptions options) {
        return defaultFactory().open(model, options);
    }

    private static SessionFactory defaultFactory() {
        return new SessionFactory(BackendRegistry.defaultRegistry());
    }

    /** Verifies, places and compiles; closes the backends it created when anything fails. */
    static Session create(Model model, SessionOptions options, BackendRegistry registry) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        GraphVerifier.verify(model.graph());
        List<Backend> backends = BackendSelection.create(registry, options);
        try {
            Model executable = options.optimize() ? GraphOptimizer.optimize(model, m -> evaluateConstants(m, backends, options)).model() : model;
            Executor executor = Executor.compile(executable, backends);
            Session s = new Session(model, List.copyOf(backends), executor, options);
            LOG.debug("session for graph '{}' opened: {}", model.graph().name(), s.summary);
            return s;
        } catch (RuntimeException | Error e) {
            BackendSelection.closeAll(backends);
            throw e;
        }
    }

    /**
     * Runs a model of constants only (constant folding) on the session's backends; every output must be a tensor.
     * Within the session's run timeout and a memory budget of the constants' bytes plus
     * {@link #FOLDING_HEADROOM}: folding keeps no result much larger than its inputs, so a hostile constant
     * subgraph (a window or ConstantOfShape of 10^9 elements) fails fast here and is left to run time.
     */
    private static Map<String, Tensor> evaluateConstants(Model m, List<Backend> backends, SessionOptions options) {
        List<String> names = m.graph().outputs().stream().map(Value::name).toList();
        long constants = 0;
        for (Tensor t : m.graph().initializers().values()) {
            constants += t.elementCount() * Math.max(1, t.dtype().byteSize());
        }
        RunLimits limits = new RunLimits(options.runTimeout(), null, Math.min(options.maxRunBytes(), constants + FOLDING_HEADROOM));
        Map<String, RuntimeValue> out = Executor.compile(m, backends).run(Map.of(), names, limits);
        Map<String, Tensor> tensors = new java.util.LinkedHashMap<>();
        out.forEach((name, v) -> {
            if (!(v instanceof Tensor t) || !t.isHost()) {
                throw new IllegalStateException("constant '" + name + "' is not a host tensor");
            }
            tensors.put(name, t);
        });
        return tensors;
    }

    /** The model this session runs. */
    public Model model() {
        ensureOpen();
        return model;
    }

    /** The inputs a caller feeds: required graph inputs first, then those with a default (initializer) in graph order. */
    public List<Value> inputs() {
        ensureOpen();
        return inputs;
    }

    public List<Value> outputs() {
        ensureOpen();
        return outputs;
    }

    /** Runs the model and returns every output, by name in graph order. */
    public Map<String, RuntimeValue> run(Map<String, ? extends RuntimeValue> inputs) {
        return run(inputs, outputNames);
    }

    /**
     * Runs the model, computing only what the named outputs need. Returns them by name in graph order.
     * Throws {@link InvalidInputException} naming the input, expected and actual type when an input is
     * missing, unknown or of the wrong type or shape; {@link ExecutionException} (or another
     * {@link dev.kiln.api.KilnException}) naming the node when a node fails; {@link IllegalArgumentException}
     * for an unknown output name.
     */
    public Map<String, RuntimeValue> run(Map<String, ? extends RuntimeValue> inputs, Collection<String> outputNames) {
        return run(inputs, outputNames, RunOptions.defaults());
    }

    /** Runs the model within per-run limits and returns every output; see {@link #run(Map, Collection, RunOptions)}. */
    public Map<String, RuntimeValue> run(Map<String, ? extends RuntimeValue> inputs, RunOptions options) {
        return run(inputs, outputNames, options);
    }

    /**
     * Runs the model within limits, computing only what the named outputs need. Besides the failures of
     * {@link #run(Map, Collection)}: a run past its deadline ({@link RunOptions#timeout()}, else the
     * session's {@link SessionOptions#runTimeout()}) throws {@link dev.kiln.api.RunTimeoutException}; one whose
     * {@link RunCancellation} was raised throws {@link dev.kiln.api.RunCancelledException}; an allocation past
     * the memory budget throws {@link dev.kiln.api.MemoryBudgetException}. Each names the node and how far
     * the run got; the session stays usable for other and later runs.
     */
    public Map<String, RuntimeValue> run(Map<String, ? extends RuntimeValue> inputs, Collection<String> outputNames, RunOptions options) {
        Objects.requireNonNull(outputNames, "outputNames");
        Objects.requireNonNull(options, "options");
        java.time.Duration timeout = options.timeout() != null ? options.timeout() : runTimeout;
        RunCancellation cancel = options.cancellation();
        RunLimits limits = new RunLimits(timeout, cancel == null ? null : cancel::isCancelled,
                options.maxRunBytes() > 0 ? options.maxRunBytes() : maxRunBytes);
        Lock l = lock.readLock();
        l.lock();
        try {
            ensureOpen();
            Map<String, RuntimeValue> feeds = validator.validate(inputs);
            if (checkNonFinite) {
                feeds.forEach((name, v) -> {
                    String bad = NonFiniteCheck.firstNonFinite(v);
                    if (bad != null) {
                        throw new InvalidInputException("input '" + name + "': " + bad + "; the session refuses non-finite values (checkNonFinite)");
                    }
                });
            }
            Map<String, RuntimeValue> out = executor.run(feeds, outputNames, limits, options.donated());
            if (checkNonFinite) {
                out.forEach((name, v) -> {
                    String bad = NonFiniteCheck.firstNonFinite(v);
                    if (bad != null) {
                        Node producer = model.graph().producer(name);
                        throw new ExecutionException("output '" + name + "'" + (producer == null ? "" : " (from node " + producer.describe() + ")")
                                + ": " + bad + "; the session refuses non-finite values (checkNonFinite)");
                    }
                });
            }
            return Collections.unmodifiableMap(new LinkedHashMap<>(out));
        } finally {
            l.unlock();
        }
    }

    /** Every node with the backend that runs it; each If/Loop/Scan is followed by the nodes of its subgraphs. */
    public List<NodeAssignment> assignment() {
        ensureOpen();
        return assignment;
    }

    /** Node counts per backend, e.g. {@code cpu: 412 nodes, runtime: 1 node}, with the copies at device boundaries. */
    public String backendSummary() {
        ensureOpen();
        return summary;
    }

    /**
     * Turns per-op timing on (from zero) or off; see {@link #profile()}. Meant for finding where a model
     * spends its time: turn it on after warm-up runs, run, then read the profile.
     */
    public void profiling(boolean on) {
        ensureOpen();
        executor.profile(on);
    }

    /** Kernel time by op type and backend since profiling was turned on, most time first; empty when off. */
    public List<OpTiming> profile() {
        ensureOpen();
        return executor.profile();
    }

    /** Closes the backends; waits for runs in progress. Idempotent. */
    @Override
    public void close() {
        Lock l = lock.writeLock();
        l.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            BackendSelection.closeAll(backends);
        } finally {
            l.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("session for graph '" + model.graph().name() + "' is closed; open a new session to run it again");
        }
    }

    private static String summarize(List<NodeAssignment> assignment, List<Backend> backends, int copySteps) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        backends.forEach(b -> counts.put(b.id(), 0));
        assignment.forEach(a -> counts.merge(a.backendId(), 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        counts.forEach((id, n) -> {
            if (n > 0) {
                parts.add(id + ": " + n + (n == 1 ? " node" : " nodes"));
            }
        });
        String text = parts.isEmpty() ? "no nodes" : String.join(", ", parts);
        return copySteps == 0 ? text : text + "; " + copySteps + (copySteps == 1 ? " copy" : " copies") + " at device boundaries";
    }

    @Override
    public String toString() {
        return closed ? "Session(closed)" : "Session(graph '" + model.graph().name() + "', " + summary + ")";
    }
}
