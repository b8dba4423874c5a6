package dev.kiln.samples.cli;

import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.session.Session;
import dev.kiln.samples.Failures;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "inspect", description = "Show a model's opsets, inputs, outputs, op counts, parameter count and the backend each node runs on.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The .onnx model file.")
    Path modelFile;

    @Mixin
    SessionFlags session;

    @Override
    public Integer call() {
        CliFiles.requireFile(modelFile, "model file");
        Model model = ModelFormats.reader("onnx").read(modelFile, ModelLoadOptions.defaults());
        Graph g = model.graph();
        PrintWriter w = spec.commandLine().getOut();
        w.printf("model       %s%n", modelFile);
        w.printf("producer    %s (IR version %d)%n", (model.producerName() + " " + model.producerVersion()).strip(), model.irVersion());
        StringBuilder opsets = new StringBuilder();
        model.opsetImports().forEach((d, v) -> opsets.append(opsets.length() > 0 ? ", " : "").append(d.isEmpty() ? "ai.onnx" : d).append(' ').append(v));
        w.printf("opsets      %s%n", opsets);
        printValues(w, "inputs", g.requiredInputs());
        printValues(w, "outputs", g.outputs());

        Map<String, Integer> ops = new TreeMap<>();
        long[] params = new long[2];
        walk(g, ops, params);
        w.printf("parameters  %,d in %,d initializers%n", params[0], params[1]);
        int nodes = ops.values().stream().mapToInt(Integer::intValue).sum();
        w.printf("ops         %,d node%s%n", nodes, nodes == 1 ? "" : "s");
        int width = ops.keySet().stream().mapToInt(String::length).max().orElse(0);
        ops.forEach((op, n) -> w.printf("  %s  %d%n", pad(op, width), n));

        // The model is described above even when no backend can plan it; the reason takes the assignment's place.
        try (Session s = Session.open(model, session.toOptions())) {
            w.printf("backends    %s%n", s.backendSummary());
            var assignment = s.assignment();
            int nameWidth = assignment.stream().mapToInt(a -> nodeName(a.nodeName()).length()).max().orElse(0);
            int opWidth = assignment.stream().mapToInt(a -> qualified(a.domain(), a.opType()).length()).max().orElse(0);
            for (var a : assignment) {
                w.printf("  %s  %s  %s%n", pad(nodeName(a.nodeName()), nameWidth), pad(qualified(a.domain(), a.opType()), opWidth), a.backendId());
            }
        } catch (RuntimeException e) {
            w.printf("backends    cannot run this model: %s%n", Failures.oneLine(e));
        }
        w.flush();
        return 0;
    }

    private static void printValues(PrintWriter w, String label, List<Value> values) {
        int width = values.stream().mapToInt(v -> v.name().length()).max().orElse(0);
        String head = pad(label, 12);
        if (values.isEmpty()) {
            w.println(head + "(none)");
        }
        for (Value v : values) {
            w.printf("%s%s  %s%n", head, pad(v.name(), width), v.type() == null ? "?" : v.type());
            head = " ".repeat(12);
        }
    }

    // Counts subgraph (If/Loop/Scan body) nodes and initializers too: they are part of what runs.
    private static void walk(Graph g, Map<String, Integer> ops, long[] params) {
        for (Tensor t : g.initializers().values()) {
            params[0] += t.elementCount();
            params[1]++;
        }
        for (Node n : g.nodes()) {
            ops.merge(qualified(n.domain(), n.opType()), 1, Integer::sum);
            for (Graph sub : n.subgraphs()) {
                walk(sub, ops, params);
            }
        }
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    private static String nodeName(String name) {
        return name == null || name.isEmpty() ? "(unnamed)" : name;
    }

    private static String qualified(String domain, String opType) {
        return domain == null || domain.isEmpty() || domain.equals("ai.onnx") ? opType : domain + "::" + opType;
    }
}
