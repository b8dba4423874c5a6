package dev.kiln.api.schema;

import dev.kiln.api.Experimental;
import dev.kiln.api.ir.Node;
import java.util.Objects;

/**
 * What every module agrees an operator is, at one version: its arity and its shape inference.
 * Build with {@link #builder(String, String, int)}.
 */
@Experimental
public final class OpSchema {
    private final String domain;
    private final String name;
    private final int sinceVersion;
    private final int minInputs;
    private final int maxInputs;
    private final int minOutputs;
    private final int maxOutputs;
    private final ShapeInference inference;

    private OpSchema(Builder b) {
        this.domain = b.domain;
        this.name = b.name;
        this.sinceVersion = b.sinceVersion;
        this.minInputs = b.minInputs;
        this.maxInputs = b.maxInputs;
        this.minOutputs = b.minOutputs;
        this.maxOutputs = b.maxOutputs;
        this.inference = b.inference;
    }

    public static Builder builder(String domain, String name, int sinceVersion) {
        return new Builder(domain, name, sinceVersion);
    }

    public String domain() {
        return domain;
    }

    public String name() {
        return name;
    }

    public int sinceVersion() {
        return sinceVersion;
    }

    public int minInputs() {
        return minInputs;
    }

    public int maxInputs() {
        return maxInputs;
    }

    public int minOutputs() {
        return minOutputs;
    }

    public int maxOutputs() {
        return maxOutputs;
    }

    /** The inference function, or null when this op's outputs are only known at run time. */
    public ShapeInference inference() {
        return inference;
    }

    /** Null when the node's arity fits this schema, else a message naming the problem. */
    public String checkArity(Node node) {
        int ins = node.inputs().size();
        int outs = node.outputs().size();
        if (ins > maxInputs) {
            return node.describe() + " has " + ins + " inputs; " + name + " takes at most " + maxInputs;
        }
        for (int i = 0; i < minInputs; i++) {
            if (!node.hasInput(i)) {
                return node.describe() + " lacks required input " + i + "; " + name + " needs at least " + minInputs;
            }
        }
        if (outs < minOutputs || outs > maxOutputs) {
            return node.describe() + " has " + outs + " outputs; " + name + " has " + minOutputs + " to " + maxOutputs;
        }
        return null;
    }

    /** Collects a schema; {@link #build()} checks the bounds. */
    public static final class Builder {
        private final String domain;
        private final String name;
        private final int sinceVersion;
        private int minInputs;
        private int maxInputs = Integer.MAX_VALUE;
        private int minOutputs = 1;
        private int maxOutputs = 1;
        private ShapeInference inference;

        private Builder(String domain, String name, int sinceVersion) {
            this.domain = domain == null ? "" : domain;
            this.name = Objects.requireNonNull(name);
            this.sinceVersion = sinceVersion;
        }

        public Builder inputs(int min, int max) {
            this.minInputs = min;
            this.maxInputs = max;
            return this;
        }

        public Builder outputs(int min, int max) {
            this.minOutputs = min;
            this.maxOutputs = max;
            return this;
        }

        public Builder inference(ShapeInference fn) {
            this.inference = fn;
            return this;
        }

        public OpSchema build() {
            if (sinceVersion < 1) {
                throw new IllegalStateException(name + ": since-version must be at least 1");
            }
            if (minInputs < 0 || maxInputs < minInputs || minOutputs < 0 || maxOutputs < minOutputs) {
                throw new IllegalStateException(name + ": inconsistent arity bounds");
            }
            return new OpSchema(this);
        }
    }
}
