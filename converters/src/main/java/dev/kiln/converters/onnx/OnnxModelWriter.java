package dev.kiln.converters.onnx;

import dev.kiln.api.KilnException;
import dev.kiln.api.format.ModelWriter;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.converters.onnx.adapters.OpForms;
import dev.kiln.converters.onnx.adapters.OpsetAdapters;
import dev.kiln.converters.proto.OnnxProto.ModelProto;
import dev.kiln.converters.proto.OnnxProto.OperatorSetIdProto;
import dev.kiln.converters.proto.OnnxProto.StringStringEntryProto;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Writes Kiln models as ONNX {@code ModelProto} bytes.
 *
 * <p>Kiln holds nodes in canonical forms (those of the newest opset); the writer puts each node in the
 * form of the ai.onnx opset it writes, through the inverse opset adapters (constant inputs become
 * attributes again, renamed ops get their old names), and checks every node against that opset's
 * version of its op. With an explicit target opset a node that opset cannot express (an op that did
 * not exist yet, an attribute value or input the old form lacks, a computed value the old form takes
 * as an attribute) is an {@link OpsetExportException} naming the node, the op and the opset; nothing is
 * dropped. With target 0 the writer uses the model's recorded ai.onnx opset, or, when that cannot
 * express the graph, the lowest newer opset that can. The IR version written is the model's, raised
 * to what the opset requires. Tensors go in raw_data; external data is not written. Stateless and
 * thread-safe; the stream is flushed, not closed.
 */
public final class OnnxModelWriter implements ModelWriter {
    @Override
    public String format() {
        return "onnx";
    }

    @Override
    public void write(Model model, OutputStream out, int targetOpset) {
        try {
            toProto(model, targetOpset).writeTo(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write ONNX model: " + e.getMessage(), e);
        }
    }

    /** The model as a ModelProto at {@code targetOpset} (0: the model's own, raised as needed). */
    public ModelProto toProto(Model model, int targetOpset) {
        if (targetOpset < 0) {
            throw new IllegalArgumentException("target opset must be 0 (the model's own) or positive, got " + targetOpset);
        }
        if (targetOpset > OpForms.LATEST) {
            throw new IllegalArgumentException("target opset " + targetOpset + " is newer than the newest ai.onnx opset Kiln knows, " + OpForms.LATEST);
        }
        int opset = targetOpset == 0 ? Math.max(1, model.opsetVersion("")) : targetOpset;
        Graph graph;
        try {
            graph = GraphDowngrader.downgrade(model.graph(), opset);
        } catch (OpsetExportException e) {
            if (targetOpset != 0) {
                throw e;
            }
            graph = null;
            // the model's own opset cannot say it all: the lowest newer one that can
            for (int v = Math.max(opset + 1, requiredOpset(model.graph())); graph == null && v <= OpForms.LATEST; v++) {
                graph = tryDowngrade(model.graph(), v);
                opset = v;
            }
            if (graph == null) {
                throw e;
            }
        }
        ModelProto.Builder b = ModelProto.newBuilder()
                .setIrVersion(Math.max(model.irVersion(), irVersionFor(opset)))
                .setProducerName(model.producerName()).setProducerVersion(model.producerVersion())
                .setDomain(model.domain()).setModelVersion(model.modelVersion()).setDocString(model.docString());
        b.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset));
        for (Map.Entry<String, Integer> e : model.opsetImports().entrySet()) {
            if (!e.getKey().isEmpty()) {
                b.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(e.getKey()).setVersion(e.getValue()));
            }
        }
        for (Map.Entry<String, String> e : model.metadata().entrySet()) {
            b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        try {
            return b.setGraph(GraphExporter.toProto(graph)).build();
        } catch (IllegalArgumentException e) {
            throw new KilnException("cannot write model '" + model.graph().name() + "' as ONNX: " + e.getMessage(), e);
        }
    }

    /** The lowest ai.onnx opset in which every node of the graph (and its subgraphs) is valid. */
    static int requiredOpset(Graph g) {
        int max = 1;
        for (Node n : g.nodes()) {
            max = Math.max(max, OpsetAdapters.minimumOpset(n));
            for (Graph s : n.subgraphs()) {
                max = Math.max(max, requiredOpset(s));
            }
        }
        return max;
    }

    private static Graph tryDowngrade(Graph g, int opset) {
        try {
            return GraphDowngrader.downgrade(g, opset);
        } catch (OpsetExportException e) {
            return null;
        }
    }

    /**
     * The IR version ONNX released with an ai.onnx opset (the table in ONNX's Versioning.md); at least 4,
     * the first in which initializers need not be listed as graph inputs.
     */
    static long irVersionFor(int opset) {
        if (opset <= 9) {
            return 4;
        }
        if (opset <= 12) {
            return opset - 5;
        }
        if (opset <= 14) {
            return 7;
        }
        if (opset <= 18) {
            return 8;
        }
        if (opset <= 20) {
            return 9;
        }
        if (opset <= 22) {
            return 10;
        }
        return opset == 23 ? 11 : opset == 24 ? 12 : 13;
    }
}
