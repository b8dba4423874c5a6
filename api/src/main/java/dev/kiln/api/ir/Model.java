package dev.kiln.api.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable model: a main graph plus the metadata ONNX keeps beside it. Nodes are in Kiln's
 * canonical op forms (see the converters' opset adapters); {@link #opsetImports()} records the opset
 * per domain the model was made with, which is what an exporter writes back by default.
 */
public final class Model {
    /** The default ONNX operator domain, written {@code ""} in nodes. */
    public static final String ONNX_DOMAIN = "";
    public static final String ML_DOMAIN = "ai.onnx.ml";
    public static final String TRAINING_DOMAIN = "ai.onnx.preview.training";

    private final Graph graph;
    private final Map<String, Integer> opsetImports;
    private final long irVersion;
    private final String producerName;
    private final String producerVersion;
    private final String domain;
    private final long modelVersion;
    private final String docString;
    private final Map<String, String> metadata;

    private Model(Builder b) {
        this.graph = b.graph;
        this.opsetImports = Collections.unmodifiableMap(new LinkedHashMap<>(b.opsetImports));
        this.irVersion = b.irVersion;
        this.producerName = b.producerName;
        this.producerVersion = b.producerVersion;
        this.domain = b.domain;
        this.modelVersion = b.modelVersion;
        this.docString = b.docString;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
    }

    public static Builder builder(Graph graph) {
        return new Builder(graph);
    }

    public Builder toBuilder() {
        Builder b = new Builder(graph).irVersion(irVersion).producer(producerName, producerVersion).domain(domain)
                .modelVersion(modelVersion).docString(docString);
        b.opsetImports.putAll(opsetImports);
        b.metadata.putAll(metadata);
        return b;
    }

    public Graph graph() {
        return graph;
    }

    /** Opset version per domain ({@code ""} is ai.onnx). */
    public Map<String, Integer> opsetImports() {
        return opsetImports;
    }

    /** The imported opset of a domain ({@code ""} or {@code "ai.onnx"} for the default), or -1 when not imported. */
    public int opsetVersion(String opDomain) {
        String d = opDomain == null || opDomain.equals("ai.onnx") ? "" : opDomain;
        Integer v = opsetImports.get(d);
        return v == null ? -1 : v;
    }

    public long irVersion() {
        return irVersion;
    }

    public String producerName() {
        return producerName;
    }

    public String producerVersion() {
        return producerVersion;
    }

    public String domain() {
        return domain;
    }

    public long modelVersion() {
        return modelVersion;
    }

    public String docString() {
        return docString;
    }

    /** The model's metadata_props. */
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public String toString() {
        return "Model(" + graph + ", opsets " + opsetImports + ")";
    }

    /** Collects a model; {@link #build()} requires a graph and an ai.onnx opset. */
    public static final class Builder {
        private Graph graph;
        private final Map<String, Integer> opsetImports = new LinkedHashMap<>();
        private long irVersion = 10;
        private String producerName = "kiln";
        private String producerVersion = "";
        private String domain = "";
        private long modelVersion;
        private String docString = "";
        private final Map<String, String> metadata = new LinkedHashMap<>();

        private Builder(Graph graph) {
            this.graph = graph;
        }

        public Builder graph(Graph g) {
            this.graph = g;
            return this;
        }

        public Builder opset(String opDomain, int version) {
            opsetImports.put(opDomain == null || opDomain.equals("ai.onnx") ? "" : opDomain, version);
            return this;
        }

        public Builder clearOpsets() {
            opsetImports.clear();
            return this;
        }

        public Builder irVersion(long v) {
            this.irVersion = v;
            return this;
        }

        public Builder producer(String nameValue, String version) {
            this.producerName = nameValue == null ? "" : nameValue;
            this.producerVersion = version == null ? "" : version;
            return this;
        }

        public Builder domain(String v) {
            this.domain = v == null ? "" : v;
            return this;
        }

        public Builder modelVersion(long v) {
            this.modelVersion = v;
            return this;
        }

        public Builder docString(String v) {
            this.docString = v == null ? "" : v;
            return this;
        }

        public Builder metadata(String key, String value) {
            metadata.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        public Model build() {
            if (graph == null) {
                throw new IllegalStateException("a model needs a graph");
            }
            if (!opsetImports.containsKey("")) {
                throw new IllegalStateException("model '" + graph.name() + "' imports no ai.onnx opset");
            }
            return new Model(this);
        }
    }
}
