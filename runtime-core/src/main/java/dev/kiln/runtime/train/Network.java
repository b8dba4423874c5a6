package dev.kiln.runtime.train;

import dev.kiln.api.tensor.DType;
import dev.kiln.runtime.train.layers.Layer;
import dev.kiln.runtime.train.layers.NetBuilder;
import dev.kiln.runtime.train.layers.Sequential;
import dev.kiln.runtime.train.layers.Sym;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to train: one input (name, element type, per-sample shape), a body of layers, and one or more
 * heads with weighted losses. Immutable after {@link Builder#build()}; thread-safe.
 */
public final class Network {
    private final String input;
    private final DType inputType;
    private final long[] inputShape;
    private final Layer body;
    private final List<ExtraInput> extraInputs;
    private final List<Head> heads;

    /** A further data input (e.g. an attention mask) that layers read by name; fed from the dataset column of that name. */
    public record ExtraInput(String name, DType dtype, long[] perSampleShape) {
        public ExtraInput {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(dtype, "dtype");
            perSampleShape = perSampleShape.clone();
        }

        @Override
        public long[] perSampleShape() {
            return perSampleShape.clone();
        }
    }

    private Network(Builder b) {
        this.input = b.input;
        this.inputType = b.inputType;
        this.inputShape = b.inputShape.clone();
        this.body = b.body;
        this.extraInputs = List.copyOf(b.extraInputs);
        this.heads = List.copyOf(b.heads);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A single-head network: input, layers, loss, labels in column "label", prediction output "output". */
    public static Network of(String input, long[] inputShape, Layer layers, Loss loss) {
        return builder().input(input, inputShape).body(layers).head("output", Sequential.of(), loss, 1.0, "label").build();
    }

    public String input() {
        return input;
    }

    public DType inputType() {
        return inputType;
    }

    public long[] inputShape() {
        return inputShape.clone();
    }

    public List<Head> heads() {
        return heads;
    }

    /** The inputs besides {@link #input()}, in declaration order (empty for most networks). */
    public List<ExtraInput> extraInputs() {
        return extraInputs;
    }

    /** Every data input's name: {@link #input()} then the extra inputs. */
    public List<String> inputNames() {
        List<String> names = new ArrayList<>();
        names.add(input);
        extraInputs.forEach(e -> names.add(e.name()));
        return names;
    }

    /** Adds the input and every layer to {@code net}; returns each head's prediction by output name. */
    Map<String, Sym> forward(NetBuilder net) {
        Sym x = net.input(input, inputType, inputShape);
        for (ExtraInput e : extraInputs) {
            net.input(e.name(), e.dtype(), e.perSampleShape());
        }
        Sym features = body.apply(net, x);
        Map<String, Sym> out = new LinkedHashMap<>();
        for (Head h : heads) {
            Sym p = h.layers().apply(net, features);
            String named = h.output();
            net.node(dev.kiln.api.ir.Node.builder("Identity").name(named).inputs(p.name()).outputs(named).build());
            out.put(h.output(), new Sym(named, p.shape()));
        }
        return out;
    }

    /** Builds a {@link Network}; {@link #build()} checks that an input, a body and a head are set. */
    public static final class Builder {
        private String input;
        private DType inputType = DType.FLOAT;
        private long[] inputShape;
        private Layer body;
        private final List<ExtraInput> extraInputs = new ArrayList<>();
        private final List<Head> heads = new ArrayList<>();

        /** Declares a further input of shape [N, perSampleShape...] that layers read by name. */
        public Builder extraInput(String name, DType dtype, long... perSampleShape) {
            extraInputs.add(new ExtraInput(name, dtype, perSampleShape));
            return this;
        }

        public Builder input(String name, long... perSampleShape) {
            return input(name, DType.FLOAT, perSampleShape);
        }

        public Builder input(String name, DType dtype, long... perSampleShape) {
            this.input = name;
            this.inputType = dtype;
            this.inputShape = perSampleShape.clone();
            return this;
        }

        public Builder body(Layer layers) {
            this.body = layers;
            return this;
        }

        public Builder head(String output, Layer layers, Loss loss, double weight, String labelColumn) {
            heads.add(new Head(output, layers, loss, weight, labelColumn));
            return this;
        }

        public Network build() {
            Objects.requireNonNull(input, "network: no input set");
            Objects.requireNonNull(body, "network: no body set");
            if (heads.isEmpty()) {
                throw new IllegalStateException("network: at least one head is needed");
            }
            if (extraInputs.stream().map(ExtraInput::name).distinct().count() != extraInputs.size()
                    || extraInputs.stream().anyMatch(e -> e.name().equals(input))) {
                throw new IllegalStateException("network: input names must be distinct, got " + input + " and extra inputs "
                        + extraInputs.stream().map(ExtraInput::name).toList());
            }
            if (heads.stream().map(Head::output).distinct().count() != heads.size()) {
                throw new IllegalStateException("network: head outputs must be distinct");
            }
            return new Network(this);
        }
    }
}
