package dev.kiln.runtime.train.layers;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A pretrained inference graph (an imported ONNX model) used as a layer, so that it can be fine-tuned,
 * given a head and exported again as one model. Its nodes are copied into the network under their own
 * names. Each float32 initializer with more than one element that {@link #trainable} selects becomes a
 * trainable parameter of the same name, starting from the imported value; every other initializer stays
 * a constant of the graph (frozen: it gets no gradient, no optimizer state, and is exported unchanged).
 *
 * <p>Selection: a pattern selects an initializer when it matches the initializer's name <em>or</em> the
 * name of a node that reads it, because exporters often name weights anonymously
 * ({@code onnx::MatMul_787}) while naming the node that reads them ({@code /encoder/layer.5/attention/self/query/MatMul}).
 *
 * <p>Inputs: the layer's input value feeds the imported graph's first input (or the one named with
 * {@link #inputFrom}); every other imported input must be a network input of the same name (declare it
 * with {@code Network.Builder.extraInput}). The layer returns one imported output ({@link #output}, by
 * default the first). Immutable and thread-safe; {@link #apply} may be called once per graph built.
 */
public final class ImportedGraph implements Layer {
    private final Graph graph;
    private final Predicate<String> trainable;
    private final String description;
    private final String input;
    private final String output;

    private ImportedGraph(Graph graph, Predicate<String> trainable, String description, String input, String output) {
        this.graph = graph;
        this.trainable = trainable;
        this.description = description;
        this.input = input;
        this.output = output;
    }

    /** The model's main graph, with every initializer frozen until {@link #trainable} says otherwise. */
    public static ImportedGraph of(Model model) {
        Graph g = Objects.requireNonNull(model, "model").graph();
        if (g.requiredInputs().isEmpty() || g.outputs().isEmpty()) {
            throw new IllegalArgumentException("imported graph '" + g.name() + "' needs at least one input and one output");
        }
        return new ImportedGraph(g, name -> false, "nothing", g.requiredInputs().get(0).name(), g.outputs().get(0).name());
    }

    /** Trains the initializers a glob selects ({@code *} any run of characters, e.g. {@code "*layer.5*"}); adds to earlier selections. */
    public ImportedGraph trainable(String glob) {
        return trainableRegex(glob(glob), "glob " + glob);
    }

    /** Trains the initializers whose name, or a reading node's name, fully matches {@code regex}; adds to earlier selections. */
    public ImportedGraph trainableRegex(String regex) {
        return trainableRegex(Pattern.compile(regex), "regex " + regex);
    }

    private ImportedGraph trainableRegex(Pattern p, String what) {
        Predicate<String> next = trainable.or(n -> p.matcher(n).matches());
        return new ImportedGraph(graph, next, description.equals("nothing") ? what : description + " or " + what, input, output);
    }

    /** Feeds the layer's input to the imported input {@code name} instead of the first one. */
    public ImportedGraph inputFrom(String name) {
        requireValue(graph.requiredInputs(), name, "input");
        return new ImportedGraph(graph, trainable, description, name, output);
    }

    /** Returns the imported output {@code name} instead of the first one. */
    public ImportedGraph output(String name) {
        requireValue(graph.outputs(), name, "output");
        return new ImportedGraph(graph, trainable, description, input, name);
    }

    /** The names of the initializers that become trainable parameters, in the imported graph's order. */
    public List<String> trainableInitializers() {
        Map<String, List<String>> readers = readers();
        List<String> out = new ArrayList<>();
        graph.initializers().forEach((name, t) -> {
            if (isTrainable(name, t, readers)) {
                out.add(name);
            }
        });
        return out;
    }

    private boolean isTrainable(String name, Tensor t, Map<String, List<String>> readers) {
        if (t.dtype() != DType.FLOAT || t.elementCount() <= 1) {
            return false;
        }
        return trainable.test(name) || readers.getOrDefault(name, List.of()).stream().anyMatch(trainable);
    }

    private Map<String, List<String>> readers() {
        Map<String, List<String>> readers = new HashMap<>();
        for (Node n : graph.nodes()) {
            for (String in : n.inputs()) {
                readers.computeIfAbsent(in, k -> new ArrayList<>()).add(n.name());
            }
        }
        return readers;
    }

    @Override
    public Sym apply(NetBuilder net, Sym x) {
        Set<String> declared = net.inputNames();
        for (Value v : graph.requiredInputs()) {
            if (!v.name().equals(input) && !declared.contains(v.name())) {
                throw new IllegalStateException("imported graph input '" + v.name() + "' is not a network input; declare it with "
                        + "Network.Builder.extraInput (network inputs: " + declared + ")");
            }
        }
        if (!x.name().equals(input)) {
            net.node(Node.builder("Identity").name(input).inputs(x.name()).outputs(input).build());
        }
        Map<String, List<String>> readers = readers();
        graph.initializers().forEach((name, t) -> {
            if (isTrainable(name, t, readers)) {
                net.parameter(name, t.dims(), () -> t.floatData().clone());
            } else {
                net.graphBuilder().initializer(name, t);
            }
        });
        graph.nodes().forEach(net::node);
        return new Sym(output, outputShape(x));
    }

    /** The output's declared dimensions: the batch as -1, a symbol shared with the input's as that size, others -1. */
    private long[] outputShape(Sym x) {
        Shape out = shapeOf(graph.outputs(), output);
        Shape in = shapeOf(graph.requiredInputs(), input);
        if (out == null) {
            throw new IllegalStateException("imported output '" + output + "' has no declared shape");
        }
        long[] dims = new long[out.rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = i == 0 ? -1 : out.isKnown(i) ? out.dim(i) : -1;
            for (int k = 1; in != null && !out.isKnown(i) && k < in.rank() && k < x.rank(); k++) {
                if (out.symbol(i) != null && out.symbol(i).equals(in.symbol(k))) {
                    dims[i] = x.dim(k);
                }
            }
        }
        return dims;
    }

    private static Shape shapeOf(List<Value> values, String name) {
        for (Value v : values) {
            if (v.name().equals(name) && v.type() instanceof ValueType.TensorType t) {
                return t.shape();
            }
        }
        return null;
    }

    private static void requireValue(List<Value> values, String name, String what) {
        if (values.stream().noneMatch(v -> v.name().equals(name))) {
            throw new IllegalArgumentException("imported graph has no " + what + " '" + name + "'; " + what + "s: "
                    + values.stream().map(Value::name).toList());
        }
    }

    /** A glob ({@code *} any run of characters, everything else literal) as a regex. */
    public static Pattern glob(String glob) {
        return Pattern.compile(java.util.Arrays.stream(glob.split("\\*", -1)).map(Pattern::quote).reduce((a, b) -> a + ".*" + b).orElse(""));
    }

    @Override
    public String toString() {
        return "ImportedGraph[" + graph.name() + ", trainable: " + description + "]";
    }
}
