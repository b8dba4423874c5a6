package dev.kiln.runtime.exec;

import dev.kiln.api.ExecutionException;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.runtime.partition.Partition;
import dev.kiln.runtime.partition.Partitioner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import dev.kiln.api.tensor.Tensor;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A model compiled for a list of backends, ready to run. Compiling places every node, compiles every
 * kernel and plans every copy and every release once; a run then executes the nodes in order with its
 * own value table, giving intermediate tensors back to their allocator after their last use.
 *
 * <p>Threading: {@link #run} may be called from many threads at once. Ownership: the backends stay the
 * caller's and must outlive this executor; inputs stay the caller's; returned outputs become the
 * caller's. The runtime never releases graph inputs, initializers or outputs, and never writes an input
 * unless the caller donated it ({@link #run(Map, Collection, RunLimits, Set)}).
 */
public final class Executor {
    /** Distinct output selections whose step masks are remembered. */
    private static final int MASK_CACHE_LIMIT = 64;

    private final GraphPlan main;
    private final List<NodePlacement> placements;
    private final List<Partition> partitions;
    private final int copySteps;
    private final int constantUploads;
    private final Map<String, Integer> inputSlots = new HashMap<>();
    private final Map<String, Integer> outputIndex = new LinkedHashMap<>();
    private final Map<String, Optional<boolean[]>> masks = new ConcurrentHashMap<>();
    private volatile OpTimer timer;
    /** Storage of the main graph's initializers and constants: never writable, even when fed as a donated input. */
    private final Set<Object> presetStorage = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    private Executor(GraphPlan main, PlanCompiler compiler) {
        this.main = main;
        this.placements = List.copyOf(compiler.placements());
        this.copySteps = compiler.copySteps();
        this.constantUploads = compiler.constantUploads();
        List<Node> nodes = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (NodePlacement p : placements) {
            if (p.depth() == 0) {
                nodes.add(p.node());
                ids.add(p.backendId());
            }
        }
        this.partitions = Partitioner.partitions(nodes, ids);
        for (int i = 0; i < main.inputNames.size(); i++) {
            inputSlots.put(main.inputNames.get(i), main.inputSlots[i]);
        }
        for (int k = 0; k < main.outputNames.size(); k++) {
            outputIndex.putIfAbsent(main.outputNames.get(k), k);
        }
        for (RuntimeValue v : main.presets) {
            if (v instanceof Tensor t) {
                presetStorage.add(RunState.backing(t));
            }
        }
    }

    /**
     * Compiles a verified model. Each node goes to the first backend in {@code backends} (preference
     * order) that claims and compiles it. Throws {@link dev.kiln.api.UnsupportedOpException} naming op,
     * domain and opset when no backend can run a node, {@link dev.kiln.api.ir.InvalidGraphException} when
     * the graph is inconsistent.
     */
    public static Executor compile(Model model, List<Backend> backends) {
        PlanCompiler compiler = new PlanCompiler(backends, model::opsetVersion);
        GraphPlan main = compiler.compile(model.graph(), null, 0);
        return new Executor(main, compiler);
    }

    /** Every node with its backend: main-graph nodes in order, each If/Loop/Scan followed by its subgraphs' nodes. */
    public List<NodePlacement> placements() {
        return placements;
    }

    /** The main graph's nodes grouped into runs of one backend. */
    public List<Partition> partitions() {
        return partitions;
    }

    /** Copy steps planned across device boundaries (each runs at most once per run, or per iteration in a loop body). */
    public int copySteps() {
        return copySteps;
    }

    /** Constants uploaded to a device once, at compile time. */
    public int constantUploads() {
        return constantUploads;
    }

    /**
     * Runs the model. {@code inputs} must already be validated (names are graph inputs); inputs with an
     * initializer that are not given keep their default. Returns the requested outputs in graph order.
     *
     * @param outputNames names of graph outputs to compute; unknown names are an {@link IllegalArgumentException}
     */
    public Map<String, RuntimeValue> run(Map<String, ? extends RuntimeValue> inputs, Collection<String> outputNames) {
        return run(inputs, outputNames, RunLimits.NONE);
    }

    /**
     * Runs the model within {@code limits}: a run past its deadline throws {@link dev.kiln.api.RunTimeoutException},
     * a cancelled one {@link dev.kiln.api.RunCancelledException}, an allocation past the budget
     * {@link dev.kiln.api.MemoryBudgetException}. The deadline and the cancellation are checked before
     * every step, on every control-flow iteration and wherever a kernel calls
     * {@link dev.kiln.api.spi.KernelContext#checkCancelled()}. A stopped run releases what it allocated
     * as its frames unwind no differently from a failed one; the executor stays usable.
     */
    public Map<String, RuntimeValue> run(Map<String, ? extends RuntimeValue> inputs, Collection<String> outputNames, RunLimits limits) {
        return run(inputs, outputNames, limits, Set.of());
    }

    /**
     * As {@link #run(Map, Collection, RunLimits)}, with the tensor inputs named in {@code donated} given to
     * the run: a kernel that is the last reader of such a tensor's storage may write its outputs into it
     * ({@link dev.kiln.api.spi.KernelContext#mayOverwriteInput}), so after the run a donated tensor's
     * elements are unspecified and it may come back as one of the outputs. A donated tensor whose storage
     * is also fed under a name not donated, or belongs to an initializer, is never written; neither is
     * any input not donated. Names that are not inputs of the run are ignored.
     */
    public Map<String, RuntimeValue> run(Map<String, ? extends RuntimeValue> inputs, Collection<String> outputNames, RunLimits limits,
                                         Set<String> donated) {
        int[] wanted = outputIndices(outputNames);
        boolean[] enabled = wanted.length == main.outputs.length ? null : mask(wanted);
        RunState run = new RunState(timer, java.util.Objects.requireNonNull(limits, "limits"));
        if (!donated.isEmpty()) {
            donate(inputs, donated, run);
        }
        Frame frame = new Frame(main, null);
        for (Map.Entry<String, ? extends RuntimeValue> e : inputs.entrySet()) {
            Integer slot = inputSlots.get(e.getKey());
            if (slot == null) {
                throw new IllegalArgumentException("'" + e.getKey() + "' is not an input of graph '" + main.name + "'");
            }
            frame.put(slot, e.getValue(), run);
        }
        execute(main, frame, run, enabled);
        Map<String, RuntimeValue> out = new LinkedHashMap<>();
        for (int k : wanted) {
            RuntimeValue v = frame.get(main.outputs[k]);
            if (v == null) {
                throw new ExecutionException("graph output '" + main.outputNames.get(k) + "' was not computed");
            }
            run.hold(v);
            out.put(main.outputNames.get(k), v);
        }
        frame.clearAll(run);
        return out;
    }

    /** Registers the donated tensors whose storage no other input, initializer or constant shares. */
    private void donate(Map<String, ? extends RuntimeValue> inputs, Set<String> donated, RunState run) {
        Set<Object> kept = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        kept.addAll(presetStorage);
        inputs.forEach((name, v) -> {
            if (!donated.contains(name) || !(v instanceof Tensor)) {
                RunState.forEachTensor(v, t -> kept.add(RunState.backing(t)));
            }
        });
        inputs.forEach((name, v) -> {
            if (donated.contains(name) && v instanceof Tensor t && !kept.contains(RunState.backing(t))) {
                run.donate(t);
            }
        });
    }

    /**
     * Turns per-op timing on (starting from zero) or off. Runs already under way keep the setting they
     * started with. Timing costs two clock reads per kernel.
     */
    public void profile(boolean on) {
        timer = on ? new OpTimer() : null;
    }

    /** Kernel time by op type and backend since profiling was turned on, most first; empty when it is off. */
    public List<OpTiming> profile() {
        OpTimer t = timer;
        return t == null ? List.of() : t.snapshot();
    }

    /** Runs a plan's steps in order, emptying each slot after its last reader. */
    static void execute(GraphPlan plan, Frame frame, RunState run, boolean[] enabled) {
        Step[] steps = plan.steps;
        RunGuard guard = run.guard();
        boolean checked = guard.active();
        for (int i = 0; i < steps.length; i++) {
            if (enabled != null && !enabled[i]) {
                continue;
            }
            if (checked && guard.stopRequested()) {
                throw guard.stopped(steps[i].describe());
            }
            steps[i].run(frame, run);
            guard.stepDone();
            for (int s : plan.freeAfter[i]) {
                frame.clear(s, run);
            }
        }
    }

    private int[] outputIndices(Collection<String> names) {
        boolean[] want = new boolean[main.outputs.length];
        for (String name : names) {
            Integer k = outputIndex.get(name);
            if (k == null) {
                throw new IllegalArgumentException("unknown output '" + name + "'; the model's outputs are " + main.outputNames);
            }
            want[k] = true;
        }
        return java.util.stream.IntStream.range(0, want.length).filter(k -> want[k]).toArray();
    }

    private boolean[] mask(int[] wanted) {
        String key = Arrays.toString(wanted);
        Optional<boolean[]> m = masks.get(key);
        if (m == null) {
            m = Optional.ofNullable(main.stepsFor(wanted));
            if (masks.size() < MASK_CACHE_LIMIT) {
                masks.put(key, m);
            }
        }
        return m.orElse(null);
    }
}
