package dev.kiln.converters.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.kiln.api.ModelLoadException;
import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.format.ModelReader;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.GraphVerifier;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.converters.proto.OnnxProto.ModelProto;
import dev.kiln.converters.proto.OnnxProto.OperatorSetIdProto;
import dev.kiln.converters.proto.OnnxProto.StringStringEntryProto;
import dev.kiln.converters.proto.OnnxProto.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads ONNX models ({@code ModelProto}) into Kiln's IR.
 *
 * <p>The model's graph comes with its values, types (symbolic dims kept), initializers (sparse ones
 * densified; an initializer that is also an input stays an input with a default), nodes and subgraphs.
 * Calls of model-local functions are inlined, and nodes written in an older ai.onnx opset are rewritten
 * to Kiln's canonical forms by the opset adapters; the model still records the opsets it imported, so
 * that writing it back uses them where the canonical forms allow. External tensor data is read only
 * from inside {@link ModelLoadOptions#baseDirectory()}. Training info and multi-device configuration
 * are not carried over.
 *
 * <p>The imported graph has passed {@link GraphVerifier}. Every failure is a {@link ModelLoadException}
 * naming the part that is wrong; an old op form with no canonical equivalent is one whose cause is an
 * {@link dev.kiln.api.UnsupportedOpException} naming the op, its domain and opset. Stateless and thread-safe.
 */
public final class OnnxModelReader implements ModelReader {
    /** ai.onnx opset assumed for models that import none (the first ONNX releases). */
    private static final int DEFAULT_ONNX_OPSET = 1;

    @Override
    public String format() {
        return "onnx";
    }

    /** True when the bytes start like a ModelProto: field 1 (ir_version, varint) or another known first field. */
    @Override
    public boolean canRead(byte[] header) {
        if (header == null || header.length < 2) {
            return false;
        }
        int tag = header[0] & 0xFF;
        // ir_version (1, varint), producer_name (2, bytes), graph (7, bytes), opset_import (8, bytes)
        return tag == 0x08 || tag == 0x12 || tag == 0x3A || tag == 0x42;
    }

    @Override
    public Model read(byte[] bytes, ModelLoadOptions options) {
        return read(parse(bytes), options);
    }

    /**
     * The names of the main graph's inputs that a caller feeds (those that are not also initializers), in
     * order, read without converting the graph or decoding any tensor: for callers that only need to know what
     * to feed before handing the same bytes to a session. ModelLoadException when the bytes are no model.
     */
    public static List<String> graphInputNames(byte[] bytes) {
        ModelProto m = parse(bytes);
        if (!m.hasGraph()) {
            throw new ModelLoadException("model has no graph (truncated or malformed protobuf, or not an ONNX model)");
        }
        Set<String> initializers = new HashSet<>();
        m.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
        m.getGraph().getSparseInitializerList().forEach(t -> initializers.add(t.getValues().getName()));
        List<String> names = new ArrayList<>();
        for (ValueInfoProto v : m.getGraph().getInputList()) {
            if (!initializers.contains(v.getName())) {
                names.add(v.getName());
            }
        }
        return names;
    }

    /** Converts an already parsed model. */
    public Model read(ModelProto m, ModelLoadOptions options) {
        if (!m.hasGraph()) {
            throw new ModelLoadException("model has no graph (truncated or malformed protobuf, or not an ONNX model)");
        }
        Map<String, Integer> opsets = new LinkedHashMap<>();
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            String domain = o.getDomain().equals("ai.onnx") ? "" : o.getDomain();
            if (o.getVersion() < 1 || o.getVersion() > Integer.MAX_VALUE) {
                throw new ModelLoadException("model imports opset " + o.getVersion() + " of domain '" + o.getDomain() + "', which is not a valid version");
            }
            opsets.put(domain, (int) o.getVersion());
        }
        opsets.putIfAbsent("", DEFAULT_ONNX_OPSET);
        LoadContext ctx = new LoadContext(options);
        NameRegistry names = NameRegistry.of(m);
        FunctionInliner inliner = new FunctionInliner(m, names);
        Graph graph = new GraphImporter(ctx, names, inliner, opsets.get("")).importGraph(m.getGraph(), null, 0);
        List<String> problems = GraphVerifier.check(graph);
        if (!problems.isEmpty()) {
            throw new ModelLoadException("model graph '" + graph.name() + "' is not valid: " + String.join("; ", problems));
        }
        Model.Builder b = Model.builder(graph).clearOpsets().irVersion(m.getIrVersion())
                .producer(m.getProducerName(), m.getProducerVersion()).domain(m.getDomain())
                .modelVersion(m.getModelVersion()).docString(m.getDocString());
        Set<String> used = usedDomains(graph, new HashSet<>());
        for (Map.Entry<String, Integer> e : opsets.entrySet()) {
            // a domain that only named local functions is gone with them
            if (e.getKey().isEmpty() || used.contains(e.getKey()) || !inliner.functionDomains().contains(e.getKey())) {
                b.opset(e.getKey(), e.getValue());
            }
        }
        for (StringStringEntryProto p : m.getMetadataPropsList()) {
            b.metadata(p.getKey(), p.getValue());
        }
        return b.build();
    }

    /** Parses ModelProto bytes; a truncated or corrupt message is a {@link ModelLoadException}. */
    static ModelProto parse(byte[] bytes) {
        try {
            CodedInputStream in = UnsafeByteOperations.unsafeWrap(bytes).newCodedInput();
            // ONNX graphs nest deeper than protobuf's default of 100 messages (If inside Loop inside ...)
            in.setRecursionLimit(1000);
            // bytes fields (raw_data above all) become views of the caller's array instead of model-sized copies
            // (protobuf aliases only input it was told is immutable); every tensor is decoded into arrays of its
            // own before read returns, so no view outlives the call
            in.enableAliasing(true);
            return ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelLoadException("model: truncated or malformed protobuf (" + e.getMessage() + ")", e);
        } catch (java.io.IOException e) {
            throw new ModelLoadException("model: cannot be parsed: " + e.getMessage(), e);
        }
    }

    private static Set<String> usedDomains(Graph g, Set<String> acc) {
        for (Node n : g.nodes()) {
            acc.add(n.domain());
            n.subgraphs().forEach(s -> usedDomains(s, acc));
        }
        return acc;
    }
}
