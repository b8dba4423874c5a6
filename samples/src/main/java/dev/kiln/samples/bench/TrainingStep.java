package dev.kiln.samples.bench;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.autodiff.Autodiff;
import dev.kiln.runtime.autodiff.GradientNames;
import dev.kiln.runtime.session.RunOptions;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One compiled training step for a benchmark: a float32 forward graph with a scalar loss, every float32
 * initializer of more than one element made a trained parameter (a graph input), autodiff, and one AdamW
 * node updating the parameters and its two moments, all in one session. {@link #run} feeds the
 * parameters and moments as they came out of the previous step, as a trainer does, and by default
 * donates them to the run ({@link RunOptions.Builder#donate}) so AdamW updates them in place instead of
 * allocating 3 x the weights anew every step. The state starts as copies of the forward graph's
 * initializers, so that graph is never written. Owns its session ({@link #close}); not thread-safe.
 */
public final class TrainingStep implements AutoCloseable {
    private static final String LR = "__learning_rate";
    private static final String STEP = "__update_count";
    private static final String DOMAIN = "dev.kiln.training";

    private final Session session;
    private final Map<String, Tensor> state = new LinkedHashMap<>();
    private final List<String> parameters;
    private final String loss;
    private final RunOptions runOptions;
    private long step = 1;

    /** A step that donates the state it feeds back (the benchmark's and a trainer's normal case). */
    public TrainingStep(Graph forward, String loss, SessionOptions options) {
        this(forward, loss, options, true);
    }

    /** {@code donate} false allocates the updated state anew every step (the comparison for tests and measurements). */
    public TrainingStep(Graph forward, String loss, SessionOptions options, boolean donate) {
        this.loss = loss;
        Graph.Builder b = forward.toBuilder().clearOutputs();
        List<String> params = new ArrayList<>();
        forward.initializers().forEach((name, t) -> {
            if (t.dtype() == DType.FLOAT && t.elementCount() > 1) {
                params.add(name);
                // a copy: donated state is overwritten, and the caller's graph must stay as it was
                state.put(name, t.copy());
                b.removeInitializer(name);
                b.input(name, ValueType.tensor(DType.FLOAT, t.shape()));
            }
        });
        this.parameters = List.copyOf(params);
        b.output(loss, ValueType.tensor(DType.FLOAT, Shape.scalar()));
        Graph withGradients = Autodiff.differentiate(b.build(), loss, parameters);
        Graph.Builder g = withGradients.toBuilder().clearOutputs();
        g.output(loss, ValueType.tensor(DType.FLOAT, Shape.scalar()));
        g.input(LR, ValueType.tensor(DType.FLOAT, Shape.scalar()));
        g.input(STEP, ValueType.tensor(DType.INT64, Shape.scalar()));
        Node.Builder adamW = Node.builder("AdamW").domain(DOMAIN).name("optimizer").input(LR).input(STEP).attr("weight_decay", 0.01f);
        parameters.forEach(adamW::input);
        parameters.forEach(p -> adamW.input(GradientNames.of(p)));
        for (String moment : List.of(".m", ".v")) {
            for (String p : parameters) {
                Tensor t = state.get(p);
                state.put(p + moment, Tensor.zeros(DType.FLOAT, t.shape()));
                g.input(p + moment, ValueType.tensor(DType.FLOAT, t.shape()));
                adamW.input(p + moment);
            }
        }
        List<String> updated = new ArrayList<>(state.keySet());
        for (String s : updated) {
            adamW.output(s + ".next");
            g.output(new Value(s + ".next", ValueType.tensor(DType.FLOAT, state.get(s).shape())));
        }
        g.node(adamW.build());
        Model model = Model.builder(g.build()).opset("", 21).opset(DOMAIN, 1).producer("kiln-bench", "0.1.0").build();
        this.session = Session.open(model, options);
        this.runOptions = donate ? RunOptions.builder().donate(state.keySet()).build() : RunOptions.defaults();
    }

    int parameterCount() {
        return parameters.size();
    }

    long parameterElements() {
        return parameters.stream().mapToLong(p -> state.get(p).elementCount()).sum();
    }

    /** The weights and moments the next step feeds, by input name (live: the next step replaces or overwrites them). */
    Map<String, Tensor> state() {
        return java.util.Collections.unmodifiableMap(state);
    }

    Session session() {
        return session;
    }

    /** One step on {@code data}; returns the loss before the update. */
    public double run(Map<String, Tensor> data) {
        Map<String, RuntimeValue> feeds = new LinkedHashMap<>(data);
        feeds.putAll(state);
        feeds.put(LR, Tensor.scalar(1e-5f));
        feeds.put(STEP, Tensor.scalar(step));
        Map<String, RuntimeValue> out = session.run(feeds, runOptions);
        for (String s : state.keySet()) {
            state.put(s, (Tensor) out.get(s + ".next"));
        }
        step++;
        return ((Tensor) out.get(loss)).getDouble(0);
    }

    @Override
    public void close() {
        session.close();
    }
}
