package dev.kiln.runtime.exec;

import dev.kiln.api.KilnException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.InvalidGraphException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.spi.OpsetLookup;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.partition.Partitioner;
import dev.kiln.runtime.partition.Placement;
import dev.kiln.runtime.passes.ConstantValues;
import dev.kiln.runtime.passes.TypePropagation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles a graph and its subgraphs into {@link GraphPlan}s: finds constants, propagates types,
 * places each node on the first backend that claims and compiles it, compiles every kernel once, plans
 * copies where a value is read in another memory than the one it lives in (uploading constants to a
 * device once, here), and hands If/Loop/Scan to {@link ControlFlowCompiler}, which compiles their
 * subgraphs the same way. Values crossing a graph boundary (graph inputs and outputs, control-flow
 * inputs and outputs) live on the host. Used by one thread, once.
 */
final class PlanCompiler {
    private static final Logger LOG = LoggerFactory.getLogger(PlanCompiler.class);

    private final List<Backend> backends;
    private final OpsetLookup opsets;
    private final Map<String, Backend> devices = new HashMap<>();
    private final List<NodePlacement> placements = new ArrayList<>();
    private final ControlFlowCompiler controlFlow;
    private int copySteps;
    private int constantUploads;

    PlanCompiler(List<Backend> backends, OpsetLookup opsets) {
        this.backends = List.copyOf(backends);
        this.opsets = opsets;
        Backend host = null;
        for (Backend b : backends) {
            if (Placement.isHost(b)) {
                host = host == null ? b : host;
            } else {
                devices.put(b.id(), b);
            }
        }
        this.controlFlow = new ControlFlowCompiler(this, new HostMemory(host == null ? null : host.allocator()));
    }

    List<NodePlacement> placements() {
        return placements;
    }

    int copySteps() {
        return copySteps;
    }

    int constantUploads() {
        return constantUploads;
    }

    /** One graph's plan under construction: its slots, their presets and its steps. */
    static final class Build {
        final List<RuntimeValue> presets = new ArrayList<>();
        final List<Step> steps = new ArrayList<>();

        int newSlot(RuntimeValue preset) {
            presets.add(preset);
            return presets.size() - 1;
        }
    }

    GraphPlan compile(Graph graph, Scope parent, int depth) {
        Scope scope = new Scope(parent);
        Build build = new Build();
        scope.constants = ConstantValues.find(graph);
        scope.types = TypePropagation.infer(graph, opsets, parent == null ? name -> null : parent::type, scope::constant, depth == 0);

        List<String> inputNames = new ArrayList<>();
        int[] inputSlots = new int[graph.inputs().size()];
        for (int i = 0; i < inputSlots.length; i++) {
            Value v = graph.inputs().get(i);
            inputSlots[i] = build.newSlot(graph.initializers().get(v.name()));
            inputNames.add(v.name());
            scope.bindings.put(v.name(), new Scope.Binding(inputSlots[i], Placement.HOST, null));
        }
        graph.initializers().forEach((name, t) -> {
            if (!scope.bindings.containsKey(name)) {
                scope.bindings.put(name, new Scope.Binding(build.newSlot(t), Placement.HOST, t));
            }
        });

        Set<String> read = namesRead(graph);
        List<List<Backend>> candidates = Partitioner.candidates(withInferredTypes(graph, scope.types), backends, opsets);
        requireClaimed(graph, candidates);
        for (int i = 0; i < graph.nodes().size(); i++) {
            Node node = graph.nodes().get(i);
            if (Partitioner.isControlFlow(node)) {
                placements.add(new NodePlacement(node, Placement.RUNTIME, depth));
                try {
                    build.steps.add(controlFlow.compile(node, scope, build, depth));
                } catch (RuntimeException e) {
                    throw NodeErrors.inNode(node, e);
                }
            } else {
                compileKernel(node, candidates.get(i), scope, build, read, depth);
            }
        }

        List<String> outputNames = new ArrayList<>();
        ValueRef[] outputs = new ValueRef[graph.outputs().size()];
        for (int k = 0; k < outputs.length; k++) {
            String name = graph.outputs().get(k).name();
            outputNames.add(name);
            outputs[k] = read(scope, build, name, Placement.HOST, "graph '" + graph.name() + "' output");
        }
        return new GraphPlan(graph.name(), build.presets.toArray(new RuntimeValue[0]), inputNames, inputSlots, outputNames, outputs, build.steps);
    }

    /** Names some node, subgraph or graph output reads; outputs not among them need not be computed. */
    private static Set<String> namesRead(Graph graph) {
        Set<String> read = new HashSet<>();
        for (Node n : graph.nodes()) {
            read.addAll(n.inputs());
            for (Graph g : n.subgraphs()) {
                read.addAll(g.outerScopeReferences());
            }
        }
        graph.outputs().forEach(v -> read.add(v.name()));
        return read;
    }

    /** Fails naming the first node no backend claims, listing every other unclaimed op too, so one error shows all that is missing. */
    private void requireClaimed(Graph graph, List<List<Backend>> candidates) {
        Node first = null;
        Set<String> others = new java.util.TreeSet<>();
        for (int i = 0; i < graph.nodes().size(); i++) {
            Node n = graph.nodes().get(i);
            if (candidates.get(i).isEmpty() && !Partitioner.isControlFlow(n)) {
                if (first == null) {
                    first = n;
                } else if (!(n.opType().equals(first.opType()) && n.domain().equals(first.domain()))) {
                    others.add(n.domain().isEmpty() ? n.opType() : n.domain() + "::" + n.opType());
                }
            }
        }
        if (first != null) {
            int opset = opsets.version(first.domain());
            throw new UnsupportedOpException(first.opType(), first.domain(), opset, "no backend of this session can run node " + first.describe()
                    + " (backends: " + String.join(", ", backends.stream().map(Backend::id).toList()) + ")"
                    + (others.isEmpty() ? "" : "; other ops no backend runs: " + String.join(", ", others)));
        }
    }

    private void compileKernel(Node node, List<Backend> claimedBy, Scope scope, Build build, Set<String> read, int depth) {
        int opset = opsets.version(node.domain());
        List<ValueType> inTypes = new ArrayList<>();
        Map<Integer, Tensor> constants = new LinkedHashMap<>();
        for (int i = 0; i < node.inputs().size(); i++) {
            String in = node.input(i);
            inTypes.add(in.isEmpty() ? null : scope.type(in));
            Tensor c = in.isEmpty() ? null : scope.constant(in);
            if (c != null) {
                constants.put(i, c);
            }
        }
        List<ValueType> outTypes = new ArrayList<>();
        for (String out : node.outputs()) {
            outTypes.add(out.isEmpty() ? null : scope.types.get(out));
        }
        KernelRequest request = new KernelRequest(node, opset, inTypes, outTypes, constants);
        Backend chosen = null;
        Kernel kernel = null;
        UnsupportedOpException refused = null;
        for (Backend b : claimedBy) {
            try {
                kernel = b.compile(request);
                chosen = b;
                break;
            } catch (UnsupportedOpException e) {
                LOG.debug("backend '{}' declined node {}: {}", b.id(), node.describe(), e.getMessage());
                refused = e;
            } catch (KilnException e) {
                throw NodeErrors.inNode(node, e);
            } catch (RuntimeException e) {
                throw new KilnException("node " + node.describe() + ": backend '" + b.id() + "' failed to compile it: " + e, e);
            }
        }
        if (kernel == null) {
            throw NodeErrors.inNode(node, refused);
        }
        String location = Placement.locationOf(chosen);
        ValueRef[] inputs = new ValueRef[node.inputs().size()];
        for (int i = 0; i < inputs.length; i++) {
            if (node.hasInput(i)) {
                inputs[i] = read(scope, build, node.input(i), location, "node " + node.describe());
            }
        }
        int[] outputs = new int[node.outputs().size()];
        boolean[] requested = new boolean[outputs.length];
        for (int k = 0; k < outputs.length; k++) {
            String out = node.output(k);
            outputs[k] = -1;
            if (!out.isEmpty()) {
                outputs[k] = define(scope, build, out, location);
                requested[k] = read.contains(out);
            }
        }
        build.steps.add(new KernelStep(node, opset, chosen, kernel, inputs, outputs, requested));
        placements.add(new NodePlacement(node, chosen.id(), depth));
    }

    static int define(Scope scope, Build build, String name, String location) {
        int slot = build.newSlot(null);
        scope.bindings.put(name, new Scope.Binding(slot, location, null));
        return slot;
    }

    /**
     * A reference to {@code name} in {@code location}: the value itself when it lives there, else a copy,
     * planned once per location and scope (constants are uploaded now, others copied by a step).
     */
    ValueRef read(Scope scope, Build build, String name, String location, String reader) {
        Scope.Found found = scope.find(name);
        if (found == null) {
            throw new InvalidGraphException(reader + " reads '" + name + "', which is not defined in its graph or an enclosing one");
        }
        Scope.Binding b = found.binding();
        if (b.location().equals(location)) {
            return new ValueRef(found.depth(), b.slot());
        }
        ValueRef cached = scope.findCopy(name, location, found.depth());
        if (cached != null) {
            return cached;
        }
        Backend from = devices.get(b.location());
        Backend to = devices.get(location);
        int slot;
        if (b.preset() != null && from == null) {
            slot = build.newSlot(to.fromHost(b.preset()));
            constantUploads++;
        } else {
            slot = build.newSlot(null);
            build.steps.add(new CopyStep(name, new ValueRef(found.depth(), b.slot()), slot, from, to));
            copySteps++;
        }
        scope.copies.put(name + "@" + location, slot);
        return ValueRef.local(slot);
    }

    /** The graph with its inferred types recorded as value info, so that backends can check element types when claiming nodes. */
    private static Graph withInferredTypes(Graph graph, Map<String, ValueType> types) {
        Graph.Builder b = null;
        for (Map.Entry<String, ValueType> e : types.entrySet()) {
            if (e.getValue() != null && graph.typeOf(e.getKey()) == null) {
                b = b == null ? graph.toBuilder() : b;
                b.valueInfo(new Value(e.getKey(), e.getValue()));
            }
        }
        return b == null ? graph : b.build();
    }
}
