package dev.kiln.runtime.partition;

import static dev.kiln.runtime.testing.Graphs.floats;
import static dev.kiln.runtime.testing.Graphs.in;
import static dev.kiln.runtime.testing.Graphs.model;
import static dev.kiln.runtime.testing.Graphs.node;
import static dev.kiln.runtime.testing.Graphs.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.KilnException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.backend.BackendRegistry;
import dev.kiln.runtime.session.NodeAssignment;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionFactory;
import dev.kiln.runtime.session.SessionOptions;
import dev.kiln.runtime.testing.FakeDeviceProvider;
import dev.kiln.runtime.testing.TinyHostProvider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A higher-priority fake device backend that claims only Relu, beside the real CPU backend. */
class PartitioningTest {
    private static final float[] W1 = {1, -1, 0, 0, 1, -1, -1, 0, 1};
    private static final float[] W2 = {1, 0, 0, 1, 1, 1};

    private final FakeDeviceProvider fake = new FakeDeviceProvider();
    private final SessionFactory factory = new SessionFactory(BackendRegistry.builder().discover(null).add(fake).build());

    private static Graph mlp() {
        return Graph.builder("mlp").input(floats("x", "batch", 3)).output(floats("y", "batch", 2))
                .initializer("w1", Tensor.of(W1, 3, 3)).initializer("w2", Tensor.of(W2, 3, 2))
                .node(node("MatMul", in("x", "w1"), "h")).node(node("Relu", in("h"), "r")).node(node("MatMul", in("r", "w2"), "y")).build();
    }

    private static float[] expected(float[] x, int rows) {
        float[] y = new float[rows * 2];
        for (int i = 0; i < rows; i++) {
            float[] r = new float[3];
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    r[j] += x[i * 3 + k] * W1[k * 3 + j];
                }
                r[j] = Math.max(0, r[j]);
            }
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < 3; k++) {
                    y[i * 2 + j] += r[k] * W2[k * 2 + j];
                }
            }
        }
        return y;
    }

    @Test
    void reluGoesToTheFakeDeviceWithCopiesAtBothBoundaries() {
        try (Session s = factory.open(model(mlp()), SessionOptions.builder().threads(1).build())) {
            assertEquals(List.of(new NodeAssignment("matmul_h", "MatMul", "", "cpu"), new NodeAssignment("relu_r", "Relu", "", "fake"),
                    new NodeAssignment("matmul_y", "MatMul", "", "cpu")), s.assignment());
            assertEquals("fake: 1 node, cpu: 2 nodes; 2 copies at device boundaries", s.backendSummary());
            float[] x = {1, 2, 3, -4, 5, -6};
            for (int run = 1; run <= 3; run++) {
                Tensor y = (Tensor) s.run(Map.of("x", Tensor.of(x, 2, 3))).get("y");
                assertArrayEquals(expected(x, 2), y.floatData(), 1e-6f);
                assertEquals(run, fake.fromHost.get(), "one upload per run");
                assertEquals(run, fake.toHost.get(), "one download per run");
                assertEquals(2 * run, fake.released.get(), "the uploaded input and Relu's output go back to the device allocator");
            }
        }
        assertEquals(1, fake.closed.get(), "the session closes the backends it created");
    }

    @Test
    void constantsAreUploadedOnceWhenTheSessionOpens() {
        Graph g = Graph.builder("const").input(floats("x", 3)).output(floats("y", 3)).initializer("c", Tensor.of(new float[] {-1, 0, 2}, 3))
                .node(node("Relu", in("c"), "r")).node(node("MatMul", in("x", "eye"), "xe")).node(node("Relu", in("xe"), "y"))
                .initializer("eye", Tensor.of(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 3, 3)).build();
        // optimize(false): the optimizer would drop the unread Relu(c) and with it the upload under test
        try (Session s = factory.open(model(g), SessionOptions.builder().threads(1).optimize(false).build())) {
            assertEquals(1, fake.fromHost.get(), "initializer c is on the device from the start");
            s.run(Map.of("x", Tensor.of(new float[] {1, -2, 3}, 3)));
            s.run(Map.of("x", Tensor.of(new float[] {1, -2, 3}, 3)));
            assertEquals(3, fake.fromHost.get(), "then only xe is uploaded, once per run");
        }
    }

    @Test
    void explicitBackendsAreUsedInTheGivenOrder() {
        SessionOptions cpuOnly = SessionOptions.builder().backends("cpu").threads(1).build();
        Graph g = Graph.builder("mm").input(floats("x", 1, 3)).output(floats("y", 1, 3)).initializer("w", Tensor.of(W1, 3, 3))
                .node(node("MatMul", in("x", "w"), "y")).build();
        try (Session s = factory.open(model(g), cpuOnly)) {
            assertEquals("cpu: 1 node", s.backendSummary());
        }
        assertEquals(0, fake.created.get(), "a backend not asked for is not created");
        SessionOptions fakeOnly = SessionOptions.builder().backends("fake").fallbackToCpu(false).build();
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> factory.open(model(g), fakeOnly));
        assertEquals("MatMul", e.opType());
        assertEquals(fake.created.get(), fake.closed.get(), "a failed open closes what it created");
    }

    @Test
    void anUnknownBackendIdIsRefused() {
        KilnException e = assertThrows(KilnException.class, () -> factory.open(model(mlp()), SessionOptions.builder().backends("tpu").build()));
        assertTrue(e.getMessage().startsWith("unknown backend 'tpu'; known backends: "), e.getMessage());
    }

    @Test
    void anOpNoBackendRunsFailsAtOpenNamingOpDomainAndOpset() {
        Node odd = Node.builder("Frobnicate").name("odd").domain("com.example").input("x").output("y").build();
        Graph g = Graph.builder("odd").input(floats("x", 3)).output(floats("y", 3)).node(odd).build();
        dev.kiln.api.ir.Model m = dev.kiln.api.ir.Model.builder(g).opset("", 17).opset("com.example", 3).build();
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> factory.open(m, SessionOptions.defaults()));
        assertEquals("Frobnicate", e.opType());
        assertEquals("com.example", e.domain());
        assertEquals(3, e.opsetVersion());
        assertTrue(e.getMessage().contains("node 'odd'"), e.getMessage());
        assertEquals(fake.created.get(), fake.closed.get());
    }

    @Test
    void subgraphsReadDeviceValuesOfTheEnclosingGraph() {
        FakeDeviceProvider device = new FakeDeviceProvider();
        SessionFactory f = new SessionFactory(BackendRegistry.of(List.of(new TinyHostProvider(), device)));
        Graph thenG = Graph.builder("then").output(floats("t", 3)).node(node("Neg", in("r"), "t")).build();
        Graph elseG = Graph.builder("else").output(floats("e", 3)).node(node("Relu", in("r"), "e")).build();
        Graph g = Graph.builder("g").input(tensor("c", DType.BOOL)).input(floats("x", 3)).output(floats("y", 3))
                .node(node("Relu", in("x"), "r"))
                .node(Node.builder("If").name("branch").input("c").output("y").attr("then_branch", thenG).attr("else_branch", elseG).build())
                .build();
        try (Session s = f.open(model(g), SessionOptions.builder().threads(1).build())) {
            assertEquals(List.of("fake", "runtime", "cpu", "fake"), s.assignment().stream().map(NodeAssignment::backendId).toList());
            Tensor x = Tensor.of(new float[] {-1, 2, -3}, 3);
            assertArrayEquals(new float[] {-0f, -2, -0f}, ((Tensor) s.run(Map.of("c", Tensor.scalar(true), "x", x)).get("y")).floatData());
            assertEquals(1, device.toHost.get(), "the then branch copies r to the host for Neg");
            assertArrayEquals(new float[] {0, 2, 0}, ((Tensor) s.run(Map.of("c", Tensor.scalar(false), "x", x)).get("y")).floatData());
            assertEquals(2, device.toHost.get(), "the else branch runs Relu on the device on r as it is, and copies its output back");
            assertEquals(2, device.fromHost.get(), "x goes up once per run");
        }
    }

    @Test
    void consecutiveNodesOnOneBackendFormAPartition() {
        List<Node> nodes = mlp().nodes();
        List<Partition> p = Partitioner.partitions(nodes, List.of("cpu", "fake", "cpu"));
        assertEquals(List.of("cpu", "fake", "cpu"), p.stream().map(Partition::backendId).toList());
        assertEquals(List.of(2), Partitioner.partitions(nodes.subList(0, 2), List.of("cpu", "cpu")).stream().map(x -> x.nodes().size()).toList());
    }
}
