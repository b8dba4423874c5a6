package dev.kiln.backend.cpu.kernels.attention;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.CpuKernelFactory;
import dev.kiln.backend.cpu.CpuKernelRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A one-input, one-output modifier subgraph of FlexAttention (score_mod, prob_mod), compiled node by node
 * with this backend's CPU kernels and run in order on a value map. It may not read outer-scope values or
 * hold control flow. Kernels are immutable after compile, so one instance may run concurrently.
 */
final class ModifierGraph {
    private final String attribute;
    private final Graph graph;
    private final List<Kernel> kernels = new ArrayList<>();
    private final Map<String, Integer> opsets;

    /**
     * @param opsets the opset version per domain the subgraph's nodes compile at ({@code ""} is ai.onnx)
     */
    ModifierGraph(String op, String attribute, Graph graph, Map<String, Integer> opsets, CpuExecution execution) {
        this.attribute = attribute;
        this.graph = graph;
        this.opsets = opsets;
        if (graph.inputs().size() != 1 || graph.outputs().size() != 1) {
            throw new UnsupportedOpException(op, "", opsets.getOrDefault("", 0), "attribute '" + attribute + "' must have one input and one output, has "
                    + graph.inputs().size() + " and " + graph.outputs().size());
        }
        if (!graph.outerScopeReferences().isEmpty()) {
            throw new UnsupportedOpException(op, "", opsets.getOrDefault("", 0), "attribute '" + attribute + "' reads outer-scope values "
                    + graph.outerScopeReferences() + "; the CPU kernel runs only self-contained modifiers");
        }
        CpuKernelRegistry registry = CpuKernelRegistry.defaultRegistry();
        for (Node n : graph.nodes()) {
            int version = opsetOf(n);
            CpuKernelFactory f = registry.find(n.domain(), n.opType());
            if (f == null || !n.subgraphs().isEmpty()) {
                throw new UnsupportedOpException(n.opType(), n.domain(), version, "node " + n.describe() + " in " + op + " attribute '"
                        + attribute + "' has no CPU kernel" + (n.subgraphs().isEmpty() ? "" : " usable inside a modifier (it holds subgraphs)"));
            }
            kernels.add(f.create(KernelRequest.of(n, version), execution));
        }
    }

    private int opsetOf(Node n) {
        String domain = n.domain().equals("ai.onnx") ? "" : n.domain();
        return opsets.getOrDefault(domain, 1);
    }

    /** Runs the subgraph on {@code input}; temporaries are allocated through {@code outer}. */
    Tensor apply(KernelContext outer, Tensor input) {
        Map<String, RuntimeValue> env = new HashMap<>(graph.initializers());
        env.put(graph.inputs().get(0).name(), input);
        for (int i = 0; i < kernels.size(); i++) {
            Node n = graph.nodes().get(i);
            Step step = new Step(n, opsetOf(n), env, outer);
            kernels.get(i).execute(step);
            for (int o = 0; o < n.outputs().size(); o++) {
                if (!n.output(o).isEmpty()) {
                    env.put(n.output(o), step.outputs[o]);
                }
            }
        }
        RuntimeValue out = env.get(graph.outputs().get(0).name());
        if (!(out instanceof Tensor t) || !t.shape().equals(input.shape())) {
            throw new InvalidInputException("attribute '" + attribute + "' produced " + (out == null ? "no value" : out.describe())
                    + "; expected a tensor of shape " + input.shape());
        }
        return t;
    }

    /** The context of one subgraph node: inputs by name from the value map, memory from the outer kernel's context. */
    private static final class Step implements KernelContext {
        private final Node node;
        private final int opset;
        private final Map<String, RuntimeValue> env;
        private final KernelContext outer;
        private final RuntimeValue[] outputs;

        Step(Node node, int opset, Map<String, RuntimeValue> env, KernelContext outer) {
            this.node = node;
            this.opset = opset;
            this.env = env;
            this.outer = outer;
            this.outputs = new RuntimeValue[node.outputs().size()];
        }

        @Override
        public Node node() {
            return node;
        }

        @Override
        public int inputCount() {
            return node.inputs().size();
        }

        @Override
        public boolean hasInput(int i) {
            return input(i) != null;
        }

        @Override
        public RuntimeValue input(int i) {
            return i < node.inputs().size() && !node.input(i).isEmpty() ? env.get(node.input(i)) : null;
        }

        @Override
        public Tensor tensor(int i) {
            if (!(input(i) instanceof Tensor t)) {
                throw new InvalidInputException("input " + i + " of " + node.describe() + " is absent or not a tensor");
            }
            return t;
        }

        @Override
        public int outputCount() {
            return outputs.length;
        }

        @Override
        public boolean isOutputRequested(int i) {
            return i < outputs.length && !node.output(i).isEmpty();
        }

        @Override
        public void setOutput(int i, RuntimeValue value) {
            outputs[i] = value;
        }

        @Override
        public Tensor allocate(DType dtype, Shape shape) {
            return outer.allocate(dtype, shape);
        }

        @Override
        public int opsetVersion() {
            return opset;
        }
    }
}
