package dev.kiln.runtime.conformance;

import dev.kiln.api.Experimental;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.BackendContext;
import dev.kiln.api.spi.NodeQuery;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.backend.BackendRegistry;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionFactory;
import dev.kiln.runtime.session.SessionOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The backend conformance kit. For every op of {@link KitCatalog} the candidate backend claims, it runs the
 * generated cases ({@link CaseGenerator}: each claimed element type, attribute variants, edge shapes) on the
 * candidate and on the CPU backend, and compares with the op's tolerance. Optionally it also runs the ONNX
 * node-suite folders whose every node the candidate claims, against the suite's expected outputs.
 *
 * <pre>{@code
 * ConformanceReport r = BackendConformance.builder().registry(BackendRegistry.defaultRegistry()).candidate("example").build().run();
 * System.out.print(r.format());
 * ConformanceAssertions.assertConforms(r);   // in a JUnit test
 * }</pre>
 *
 * <p>Each case opens one single-node session per backend, unoptimized and without CPU fallback, so the
 * candidate's kernels, allocator and copies all take part. Not thread-safe; {@link #run()} may be called again.
 */
@Experimental
public final class BackendConformance {
    /** The ai.onnx opset the generated models import. */
    public static final int OPSET = 21;
    /** Node-suite folders whose expected outputs come from numpy's random generator (training-mode Dropout masks): no backend can reproduce them. */
    private static final List<String> RANDOM_SUITE_PREFIXES = List.of("test_training_dropout");

    private final SessionFactory sessions;
    private final String candidate;
    private final List<KitOp> ops;
    private final Path nodeSuite;
    private final SuiteCase.Reader suiteReader;
    private final Tolerance suiteTolerance;

    private BackendConformance(Builder b) {
        this.sessions = new SessionFactory(b.registry);
        this.candidate = b.candidate;
        this.ops = b.ops;
        this.nodeSuite = b.nodeSuite;
        this.suiteReader = b.suiteReader;
        this.suiteTolerance = b.suiteTolerance;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs every generated case (and the node suite, when given) and reports per op. */
    public ConformanceReport run() {
        List<OpReport> reports = new ArrayList<>();
        try (Backend backend = sessions.registry().require(candidate).create(new BackendContext(1, Map.of()))) {
            for (KitOp op : ops) {
                reports.add(runOp(backend, op));
            }
            if (nodeSuite != null) {
                reports.addAll(runSuite(backend));
            }
        }
        return new ConformanceReport(candidate, reports);
    }

    private OpReport runOp(Backend backend, KitOp op) {
        List<DType> claimed = new ArrayList<>();
        for (DType t : op.types()) {
            Node probe = CaseGenerator.node(op.opType(), op.shape() == KitOp.ShapeKind.BINARY || op.shape() == KitOp.ShapeKind.MATMUL ? 2 : 1, Map.of());
            if (claims(backend, probe, t)) {
                claimed.add(t);
            }
        }
        if (claimed.isEmpty()) {
            return new OpReport(op.opType(), OpReport.Status.UNSUPPORTED, List.of(), 0, 0, null, null);
        }
        int cases = 0;
        int skipped = 0;
        for (DType t : claimed) {
            for (KitCase c : CaseGenerator.cases(op, t)) {
                if (!claims(backend, c.node(), t)) {
                    skipped++;
                    continue;
                }
                Model model = model(c);
                Map<String, RuntimeValue> reference;
                try {
                    reference = run(model, c, BackendRegistry.CPU_ID);
                } catch (RuntimeException e) {
                    skipped++;
                    continue;
                }
                cases++;
                String difference;
                try {
                    difference = Outputs.difference("y", run(model, c, candidate).get("y"), reference.get("y"), op.tolerance());
                } catch (RuntimeException e) {
                    difference = "the candidate threw " + e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                if (difference != null) {
                    return new OpReport(op.opType(), OpReport.Status.FAILED, claimed, cases, skipped, c.name(), difference);
                }
            }
        }
        return new OpReport(op.opType(), OpReport.Status.PASSED, claimed, cases, skipped, null, null);
    }

    private static boolean claims(Backend backend, Node node, DType type) {
        List<ValueType> types = new ArrayList<>();
        for (int i = 0; i < node.inputs().size(); i++) {
            types.add(new ValueType.TensorType(type, null));
        }
        try {
            return backend.supports(new NodeQuery(node, OPSET, types));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Model model(KitCase c) {
        Graph.Builder g = Graph.builder("kit");
        for (int i = 0; i < c.inputs().size(); i++) {
            Tensor t = c.inputs().get(i);
            g.input(new Value("x" + i, new ValueType.TensorType(t.dtype(), t.shape())));
        }
        g.output(new Value("y", new ValueType.TensorType(c.inputs().get(0).dtype(), null)));
        return Model.builder(g.node(c.node()).build()).opset("", OPSET).build();
    }

    private Map<String, RuntimeValue> run(Model model, KitCase c, String backendId) {
        SessionOptions options = SessionOptions.builder().backends(backendId).fallbackToCpu(false).optimize(false).threads(1).build();
        Map<String, Tensor> feeds = new HashMap<>();
        for (int i = 0; i < c.inputs().size(); i++) {
            feeds.put("x" + i, c.inputs().get(i).copy());
        }
        try (Session s = sessions.open(model, options)) {
            return s.run(feeds);
        }
    }

    private List<OpReport> runSuite(Backend backend) {
        List<Path> folders;
        try (Stream<Path> list = Files.list(nodeSuite)) {
            folders = list.filter(Files::isDirectory)
                    .filter(f -> RANDOM_SUITE_PREFIXES.stream().noneMatch(p -> f.getFileName().toString().startsWith(p))).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list the node suite folder " + nodeSuite, e);
        }
        List<OpReport> out = new ArrayList<>();
        SessionOptions options = SessionOptions.builder().backends(candidate).fallbackToCpu(false).threads(1).build();
        for (Path folder : folders) {
            SuiteCase sc;
            try {
                sc = suiteReader.read(folder);
            } catch (RuntimeException e) {
                continue;
            }
            if (!claimsAll(backend, sc.model())) {
                continue;
            }
            String name = ConformanceReport.NODE_PREFIX + sc.name();
            String difference = null;
            try (Session s = sessions.open(sc.model(), options)) {
                for (int d = 0; d < sc.feeds().size() && difference == null; d++) {
                    Map<String, RuntimeValue> got = s.run(sc.feeds().get(d));
                    for (Map.Entry<String, RuntimeValue> e : sc.expected().get(d).entrySet()) {
                        difference = difference != null ? difference : Outputs.difference(e.getKey(), got.get(e.getKey()), e.getValue(), suiteTolerance);
                    }
                }
            } catch (RuntimeException e) {
                difference = "the candidate threw " + e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            out.add(difference == null
                    ? new OpReport(name, OpReport.Status.PASSED, List.of(), sc.feeds().size(), 0, null, null)
                    : new OpReport(name, OpReport.Status.FAILED, List.of(), sc.feeds().size(), 0, sc.name(), difference));
        }
        return out;
    }

    private static boolean claimsAll(Backend backend, Model model) {
        Graph g = model.graph();
        for (Node n : g.nodes()) {
            List<ValueType> types = new ArrayList<>();
            for (String in : n.inputs()) {
                types.add(in.isEmpty() ? null : g.typeOf(in));
            }
            Integer version = model.opsetImports().get(n.domain());
            try {
                if (!backend.supports(new NodeQuery(n, version == null ? -1 : version, types))) {
                    return false;
                }
            } catch (RuntimeException e) {
                return false;
            }
        }
        return !g.nodes().isEmpty();
    }

    /** Configures a kit run; {@link #build()} checks that a registry and candidate are given. Not thread-safe. */
    public static final class Builder {
        private BackendRegistry registry;
        private String candidate;
        private List<KitOp> ops = KitCatalog.ops();
        private Path nodeSuite;
        private SuiteCase.Reader suiteReader;
        private Tolerance suiteTolerance = new Tolerance(1e-3, 1e-5);

        private Builder() {
        }

        /** The registry holding the candidate and the CPU backend (the reference). */
        public Builder registry(BackendRegistry r) {
            this.registry = r;
            return this;
        }

        /** The id of the backend under test. */
        public Builder candidate(String id) {
            this.candidate = id;
            return this;
        }

        /** Restricts the run to these ops (default: the whole {@link KitCatalog}). */
        public Builder ops(List<KitOp> v) {
            this.ops = List.copyOf(v);
            return this;
        }

        /** Also runs the node-suite folders under {@code folder} whose nodes the candidate claims. */
        public Builder nodeSuite(Path folder, SuiteCase.Reader reader, Tolerance tolerance) {
            this.nodeSuite = folder;
            this.suiteReader = reader;
            this.suiteTolerance = tolerance;
            return this;
        }

        public BackendConformance build() {
            Objects.requireNonNull(registry, "registry");
            Objects.requireNonNull(candidate, "candidate backend id");
            registry.require(candidate);
            registry.require(BackendRegistry.CPU_ID);
            if (nodeSuite != null) {
                Objects.requireNonNull(suiteReader, "node suite reader");
                Objects.requireNonNull(suiteTolerance, "node suite tolerance");
            }
            return new BackendConformance(this);
        }
    }
}
