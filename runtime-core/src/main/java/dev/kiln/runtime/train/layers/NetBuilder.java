package dev.kiln.runtime.train.layers;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Collects the IR of one network graph as layers add to it. In {@link Mode#TRAIN} layers emit their
 * training form (Dropout as a multiplication by a mask the trainer feeds, BatchNorm from batch
 * statistics); in {@link Mode#INFER} their inference form. Parameters are graph inputs, fed from a
 * shared {@link Parameters}; they are created (and their initial values drawn) only the first time a
 * name is seen. Not thread-safe; one builder per graph.
 */
public final class NetBuilder {
    /** Which form layers emit. */
    public enum Mode { TRAIN, INFER }

    /** A per-step random keep-mask the trainer feeds: each element 1/(1-rate) with probability 1-rate, else 0. */
    public record MaskSpec(String input, long[] perSampleShape, double rate) {
    }

    private final Mode mode;
    private final Parameters parameters;
    private final Graph.Builder graph;
    private final Map<String, Integer> counters = new HashMap<>();
    private final List<String> parameterInputs = new ArrayList<>();
    private final java.util.Set<String> inputNames = new java.util.LinkedHashSet<>();
    private final List<MaskSpec> masks = new ArrayList<>();
    private final Map<String, String> bufferUpdates = new LinkedHashMap<>();
    private int fresh;

    public NetBuilder(Mode mode, Parameters parameters, String graphName) {
        this.mode = mode;
        this.parameters = parameters;
        this.graph = Graph.builder(graphName);
    }

    public Mode mode() {
        return mode;
    }

    public boolean training() {
        return mode == Mode.TRAIN;
    }

    /** A layer name unique in this graph and the same in every graph built in the same order: kind_0, kind_1... */
    public String layerName(String kind) {
        int n = counters.merge(kind, 1, Integer::sum) - 1;
        return kind + "_" + n;
    }

    /** A fresh value name starting with {@code prefix}. */
    public String fresh(String prefix) {
        return prefix + "__" + fresh++;
    }

    /** Declares a float32 graph input of shape [N, perSample...]. */
    public Sym input(String name, long... perSample) {
        return input(name, DType.FLOAT, perSample);
    }

    /** Declares a graph input of shape [N, perSample...]. */
    public Sym input(String name, DType dtype, long... perSample) {
        Object[] dims = new Object[perSample.length + 1];
        dims[0] = "N";
        long[] shape = new long[perSample.length + 1];
        shape[0] = -1;
        for (int i = 0; i < perSample.length; i++) {
            dims[i + 1] = perSample[i];
            shape[i + 1] = perSample[i];
        }
        graph.input(new Value(name, new ValueType.TensorType(dtype, Shape.symbolic(dims))));
        inputNames.add(name);
        return new Sym(name, shape);
    }

    /** The data inputs declared so far with {@link #input} (not parameters), in order. */
    public java.util.Set<String> inputNames() {
        return java.util.Collections.unmodifiableSet(inputNames);
    }

    /** A trainable float32 parameter; {@code init} runs only when the name is new. Returns its value name. */
    public String parameter(String name, long[] shape, Supplier<float[]> init) {
        return declare(name, shape, init, false);
    }

    /** A non-trainable float32 buffer filled with {@code fill} when new. Returns its value name. */
    public String buffer(String name, long[] shape, float fill) {
        return declare(name, shape, () -> {
            float[] a = new float[(int) Shape.of(shape).elementCount()];
            java.util.Arrays.fill(a, fill);
            return a;
        }, true);
    }

    private String declare(String name, long[] shape, Supplier<float[]> init, boolean buffer) {
        if (!parameters.contains(name)) {
            parameters.create(name, Tensor.of(init.get(), shape), buffer);
        }
        graph.input(new Value(name, new ValueType.TensorType(DType.FLOAT, Shape.of(shape))));
        parameterInputs.add(name);
        return name;
    }

    /** The generator initializers draw from. */
    public Rng initRng() {
        return parameters.initRng();
    }

    /** In TRAIN mode, records that after a step the buffer takes the value {@code newValue}. */
    public void updateBuffer(String buffer, String newValue) {
        bufferUpdates.put(buffer, newValue);
    }

    /** Declares a mask input of shape [N, perSample...] that the trainer draws each step. */
    public String mask(String name, long[] perSample, double rate) {
        input(name, perSample);
        masks.add(new MaskSpec(name, perSample.clone(), rate));
        return name;
    }

    /** A constant (an initializer that is not a parameter). */
    public String constant(String prefix, Tensor value) {
        String n = fresh(prefix);
        graph.initializer(n, value);
        return n;
    }

    /** An int64 1-D constant, e.g. axes or a shape. */
    public String ints(long... values) {
        return constant("const", Tensor.of(values, values.length));
    }

    /** Adds a single-output node; returns its output name. */
    public String op(String opType, List<String> inputs) {
        return op(opType, inputs, b -> { });
    }

    /** Adds a single-output node with attributes set by {@code attrs}; returns its output name. */
    public String op(String opType, List<String> inputs, Consumer<Node.Builder> attrs) {
        String out = fresh(opType.toLowerCase(java.util.Locale.ROOT));
        Node.Builder b = Node.builder(opType).name(out).inputs(inputs).outputs(out);
        attrs.accept(b);
        graph.node(b.build());
        return out;
    }

    /** Adds a node as given. */
    public void node(Node node) {
        graph.node(node);
    }

    /** Declares a graph output (type left for inference to fill). */
    public void output(String name, DType dtype) {
        graph.output(new Value(name, new ValueType.TensorType(dtype, null)));
    }

    public List<String> parameterInputs() {
        return List.copyOf(parameterInputs);
    }

    public List<MaskSpec> masks() {
        return List.copyOf(masks);
    }

    /** Buffer name to the value holding its post-step value (TRAIN mode only). */
    public Map<String, String> bufferUpdates() {
        return java.util.Collections.unmodifiableMap(bufferUpdates);
    }

    /** The graph so far. */
    public Graph build() {
        return graph.build();
    }

    /** The builder, for passes that append training nodes (autodiff output, optimizer). */
    public Graph.Builder graphBuilder() {
        return graph;
    }
}
