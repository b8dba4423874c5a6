package dev.kiln.runtime.train;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.autodiff.Autodiff;
import dev.kiln.runtime.autodiff.GradientNames;
import dev.kiln.runtime.train.layers.NetBuilder;
import dev.kiln.runtime.train.layers.Parameters;
import dev.kiln.runtime.train.layers.Sym;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds the three graphs a trainer runs: the training step (forward, total loss, autodiff, optional
 * clipping by global norm, one optimizer node; it also returns each raw gradient), evaluation (inference form plus losses) and inference.
 * Parameters, optimizer state, the learning rate ({@value #LR}) and the update count ({@value #STEP}) are
 * graph inputs, so the trainer keeps them as tensors between steps and feeds them back. Stateless.
 */
final class TrainingGraphs {
    static final String LR = "__learning_rate";
    static final String STEP = "__update_count";
    static final String LOSS = "loss";
    static final int OPSET = 21;

    /** The training step and what the trainer must feed and read back. */
    record Step(Model model, List<String> trainable, List<NetBuilder.MaskSpec> masks, Map<String, String> bufferUpdates) {
    }

    private TrainingGraphs() {
    }

    static String next(String name) {
        return name + ".next";
    }

    static String state(String parameter, String state) {
        return parameter + "." + state;
    }

    /** The training step cut at the gradients: forward and backward, then the optimizer update alone. */
    record SplitStep(Model gradients, Model update, List<String> trainable, List<NetBuilder.MaskSpec> masks,
                     Map<String, String> bufferUpdates) {
    }

    static Step training(Network network, Parameters params, Optimizer optimizer, List<Pattern> frozen, double clipNorm) {
        NetBuilder net = new NetBuilder(NetBuilder.Mode.TRAIN, params, "train_step");
        List<String> trainable = new ArrayList<>();
        Graph.Builder g = forwardBackward(net, network, params, frozen, trainable);
        addUpdate(g, params, optimizer, trainable, clipNorm);
        addBufferUpdates(g, net, params);
        return new Step(model(g.build(), optimizer.domain()), List.copyOf(trainable), net.masks(), net.bufferUpdates());
    }

    /**
     * As {@link #training}, in two graphs: the first outputs the loss, the heads, each trainable
     * parameter's gradient (named {@link GradientNames#of}) and the buffer updates; the second takes the
     * parameters, those gradients, the optimizer state, {@value #LR} and {@value #STEP}, clips if asked
     * and outputs the updated parameters and state. Between them a caller may combine gradients.
     */
    static SplitStep split(Network network, Parameters params, Optimizer optimizer, List<Pattern> frozen, double clipNorm) {
        NetBuilder net = new NetBuilder(NetBuilder.Mode.TRAIN, params, "gradient_step");
        List<String> trainable = new ArrayList<>();
        Graph.Builder g = forwardBackward(net, network, params, frozen, trainable);
        for (String p : trainable) {
            g.output(new Value(GradientNames.of(p), new ValueType.TensorType(DType.FLOAT, params.get(p).shape())));
        }
        addBufferUpdates(g, net, params);
        Graph.Builder u = Graph.builder("update_step");
        for (String p : trainable) {
            u.input(new Value(p, new ValueType.TensorType(DType.FLOAT, params.get(p).shape())));
            u.input(new Value(GradientNames.of(p), new ValueType.TensorType(DType.FLOAT, params.get(p).shape())));
        }
        addUpdate(u, params, optimizer, trainable, clipNorm);
        return new SplitStep(model(g.build(), null), model(u.build(), optimizer.domain()), List.copyOf(trainable), net.masks(),
                net.bufferUpdates());
    }

    /** The forward graph, total loss and autodiff; fills {@code trainable}; outputs the loss and heads. */
    private static Graph.Builder forwardBackward(NetBuilder net, Network network, Parameters params, List<Pattern> frozen,
                                                 List<String> trainable) {
        Map<String, Sym> predictions = network.forward(net);
        String loss = totalLoss(net, network, predictions);
        for (Head h : network.heads()) {
            net.output(h.output(), DType.FLOAT);
        }
        for (String p : net.parameterInputs()) {
            if (!params.isBuffer(p) && frozen.stream().noneMatch(f -> f.matcher(p).matches())) {
                trainable.add(p);
            }
        }
        if (trainable.isEmpty()) {
            throw new IllegalStateException("every parameter is frozen; nothing to train (parameters: " + net.parameterInputs() + ")");
        }
        Graph forward = net.build();
        Graph withGradients = Autodiff.differentiate(forward, loss, trainable);
        Graph.Builder g = withGradients.toBuilder().clearOutputs();
        g.output(new Value(LOSS, new ValueType.TensorType(DType.FLOAT, Shape.scalar())));
        for (Head h : network.heads()) {
            g.output(new Value(h.output(), withGradients.typeOf(h.output())));
        }
        return g;
    }

    /** Optional clipping and the optimizer node over the gradients named {@link GradientNames#of}. */
    private static void addUpdate(Graph.Builder g, Parameters params, Optimizer optimizer, List<String> trainable, double clipNorm) {
        List<String> grads = new ArrayList<>();
        for (String p : trainable) {
            grads.add(GradientNames.of(p));
            // returned so the trainer can name a non-finite gradient; they are computed anyway
            g.output(new Value(GradientNames.of(p), new ValueType.TensorType(params.get(p).dtype(), params.get(p).shape())));
        }
        if (clipNorm > 0) {
            grads = clipByGlobalNorm(g, grads, clipNorm);
        }
        g.input(new Value(LR, new ValueType.TensorType(DType.FLOAT, Shape.scalar())));
        g.input(new Value(STEP, new ValueType.TensorType(DType.INT64, Shape.scalar())));
        Node.Builder update = Node.builder(optimizer.opType()).domain(optimizer.domain()).name("optimizer").input(LR).input(STEP);
        trainable.forEach(update::input);
        grads.forEach(update::input);
        trainable.forEach(p -> update.output(next(p)));
        for (String s : optimizer.states()) {
            for (String p : trainable) {
                String name = state(p, s);
                g.input(new Value(name, new ValueType.TensorType(DType.FLOAT, params.get(p).shape())));
                update.input(name);
            }
        }
        for (String s : optimizer.states()) {
            trainable.forEach(p -> update.output(next(state(p, s))));
        }
        optimizer.attributes().accept(update);
        Node node = update.build();
        g.node(node);
        for (String o : node.outputs()) {
            g.output(new Value(o, new ValueType.TensorType(DType.FLOAT, null)));
        }
    }

    private static void addBufferUpdates(Graph.Builder g, NetBuilder net, Parameters params) {
        net.bufferUpdates().forEach((buffer, value) -> {
            g.node(Node.builder("Identity").name(next(buffer)).inputs(value).outputs(next(buffer)).build());
            g.output(new Value(next(buffer), new ValueType.TensorType(DType.FLOAT, params.get(buffer).shape())));
        });
    }

    /** Inference form with labels and losses: outputs "loss" then each head's prediction. */
    static Model evaluation(Network network, Parameters params) {
        NetBuilder net = new NetBuilder(NetBuilder.Mode.INFER, params, "evaluate");
        Map<String, Sym> predictions = network.forward(net);
        totalLoss(net, network, predictions);
        net.output(LOSS, DType.FLOAT);
        for (Head h : network.heads()) {
            net.output(h.output(), DType.FLOAT);
        }
        return model(net.build(), null);
    }

    /** Inference form: the input and parameters in, each head's prediction out. */
    static Model inference(Network network, Parameters params) {
        NetBuilder net = new NetBuilder(NetBuilder.Mode.INFER, params, "inference");
        network.forward(net);
        for (Head h : network.heads()) {
            net.output(h.output(), DType.FLOAT);
        }
        return model(net.build(), null);
    }

    private static String totalLoss(NetBuilder net, Network network, Map<String, Sym> predictions) {
        String total = null;
        for (Head h : network.heads()) {
            Sym p = predictions.get(h.output());
            long[] perSample = java.util.Arrays.copyOfRange(p.shape(), 1, p.rank());
            String label = net.input(h.labelColumn(), perSample).name();
            String l = h.loss().build(net, p, label);
            if (h.weight() != 1.0) {
                l = net.op("Mul", List.of(l, net.constant("weight", Tensor.scalar((float) h.weight()))));
            }
            total = total == null ? l : net.op("Add", List.of(total, l));
        }
        net.node(Node.builder("Identity").name(LOSS).inputs(total).outputs(LOSS).build());
        return LOSS;
    }

    /** g * c / max(||all g||_2, c): leaves small gradients alone, rescales large ones to norm c. */
    private static List<String> clipByGlobalNorm(Graph.Builder g, List<String> grads, double clipNorm) {
        List<String> squares = new ArrayList<>();
        for (String grad : grads) {
            String s = grad + ".sumsq";
            g.node(Node.builder("ReduceSumSquare").name(s).inputs(grad).outputs(s).attr("keepdims", 0L).build());
            squares.add(s);
        }
        g.initializer("__clip_norm", Tensor.scalar((float) clipNorm));
        g.node(Node.builder("Sum").name("__grad_sumsq").inputs(squares).outputs("__grad_sumsq").build());
        g.node(Node.builder("Sqrt").name("__grad_norm").inputs("__grad_sumsq").outputs("__grad_norm").build());
        g.node(Node.builder("Max").name("__grad_norm_or_clip").inputs("__grad_norm", "__clip_norm").outputs("__grad_norm_or_clip").build());
        g.node(Node.builder("Div").name("__grad_scale").inputs("__clip_norm", "__grad_norm_or_clip").outputs("__grad_scale").build());
        List<String> out = new ArrayList<>();
        for (String grad : grads) {
            String c = grad + ".clipped";
            g.node(Node.builder("Mul").name(c).inputs(grad, "__grad_scale").outputs(c).build());
            out.add(c);
        }
        return out;
    }

    static Model model(Graph graph, String optimizerDomain) {
        Model.Builder m = Model.builder(graph).opset("", OPSET).producer("kiln", "0.1.0");
        if (optimizerDomain != null) {
            m.opset(optimizerDomain, 1);
        }
        return m.build();
    }
}
