package dev.kiln.samples.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.samples.conformance.ConformanceRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small fuzz run over the ONNX node suite (the full run is {@code kiln fuzz}, see docs/security.md),
 * plus the watchdog's handling of a model that asks for more memory than the child has.
 */
class FuzzerTest {
    @TempDir
    Path tmp;

    @Test
    void mutatedNodeSuiteModelsOnlySucceedOrFailTyped() throws Exception {
        Path suite = dev.kiln.samples.conformance.CaseFolders.nodeSuite();
        assumeTrue(suite != null, "ONNX node test suite not found (shared/onnx-conformance/node beside the project); skipping");
        List<Path> cases = ConformanceRunner.findCases(List.of(suite));
        FuzzReport report = Fuzzer.builder().cases(cases).seed(20261129).count(300).timeout(Duration.ofSeconds(20)).workers(2)
                .heap("512m").outDir(tmp).build().run(r -> { });
        assertEquals(300, report.cases());
        String forbidden = report.forbidden().stream().map(r -> "#" + r.index() + " " + r.source() + " " + r.mutations() + ": "
                + r.outcome() + " " + r.detail()).collect(Collectors.joining("\n"));
        assertTrue(report.forbidden().isEmpty(), "forbidden outcomes (reproducers in " + tmp + "):\n" + forbidden);
        // the mutations must reach both the loader's refusals and successful runs, or the run proves little
        assertTrue(report.byOutcome().getOrDefault(FuzzOutcome.OK, 0) > 10, report.summary());
        assertTrue(report.byKind().keySet().stream().anyMatch(k -> k.startsWith("ModelLoadException")), report.summary());
    }

    @Test
    void theSameSeedGivesTheSameMutations() {
        byte[] model = ModelFormats.writer("onnx").toBytes(reluModel());
        ModelMutator m = new ModelMutator();
        for (int i = 0; i < 50; i++) {
            ModelMutator.Result a = m.mutate(model, new SplittableRandom(i));
            ModelMutator.Result b = m.mutate(model, new SplittableRandom(i));
            assertArrayEquals(a.bytes(), b.bytes());
            assertEquals(a.applied(), b.applied());
        }
        assertNotEquals(m.mutate(model, new SplittableRandom(1)).applied(), m.mutate(model, new SplittableRandom(2)).applied());
    }

    @Test
    void aModelAskingForMoreThanTheHeapIsATypedFailureAndTheChildLivesOn() throws IOException, InterruptedException {
        // ConstantOfShape with a shape of 2^28 * 4 floats: 4 GiB, far beyond a 128 MiB child heap
        Graph g = Graph.builder("big").input("shape", ValueType.tensor(DType.INT64, 2))
                .node(Node.builder("ConstantOfShape").name("c").inputs("shape").outputs("y").build())
                .output("y", ValueType.tensor(DType.FLOAT, (dev.kiln.api.tensor.Shape) null)).build();
        Path dir = Files.createDirectories(tmp.resolve("big"));
        Path model = dir.resolve("model.onnx");
        Files.write(model, ModelFormats.writer("onnx").toBytes(Model.builder(g).opset("", 13).build()));
        Path data = Files.createDirectories(dir.resolve("test_data_set_0"));
        Files.write(data.resolve("input_0.pb"), dev.kiln.converters.onnx.TensorProtos.toProto(
                dev.kiln.api.tensor.Tensor.of(new long[] {1L << 28, 4}, 2), "shape").toByteArray());
        try (FuzzChildProcess child = new FuzzChildProcess("128m", tmp.resolve("stderr.log"))) {
            String[] big = child.request(model, dir, false, 0, Duration.ofSeconds(60));
            assertEquals(FuzzOutcome.TYPED.name(), big[0], big[1]);
            // refused by the run's memory budget (half the child's heap) before anything is allocated
            assertTrue(big[1].startsWith("MemoryBudgetException") && big[1].contains("float32[268435456,4]"), big[1]);
            String[] again = child.request(model, dir, true, 0, Duration.ofSeconds(60));
            assertEquals(FuzzOutcome.OK.name(), again[0], again[1]);
        }
    }

    @Test
    void anEndlessLoopEndsAsATypedTimeoutBeforeTheWatchdogFires() throws IOException, InterruptedException {
        // Loop with trip count M (2^62 in the data) whose body passes its condition and one carried value on
        Graph body = Graph.builder("body").input("i", ValueType.tensor(DType.INT64)).input("cond_in", ValueType.tensor(DType.BOOL))
                .input("v_in", ValueType.tensor(DType.BOOL))
                .node(Node.builder("Identity").name("pass").inputs("cond_in").outputs("cond_out").build())
                .node(Node.builder("Identity").name("carry").inputs("v_in").outputs("v_out").build())
                .output("cond_out", ValueType.tensor(DType.BOOL)).output("v_out", ValueType.tensor(DType.BOOL)).build();
        Graph g = Graph.builder("endless").input("M", ValueType.tensor(DType.INT64)).input("c", ValueType.tensor(DType.BOOL))
                .node(Node.builder("Loop").name("loop").inputs("M", "c", "c").outputs("y").attr("body", body).build())
                .output("y", ValueType.tensor(DType.BOOL)).build();
        Path dir = Files.createDirectories(tmp.resolve("endless"));
        Path model = dir.resolve("model.onnx");
        Files.write(model, ModelFormats.writer("onnx").toBytes(Model.builder(g).opset("", 13).build()));
        Path data = Files.createDirectories(dir.resolve("test_data_set_0"));
        Files.write(data.resolve("input_0.pb"), dev.kiln.converters.onnx.TensorProtos.toProto(dev.kiln.api.tensor.Tensor.scalar(1L << 62), "M").toByteArray());
        Files.write(data.resolve("input_1.pb"), dev.kiln.converters.onnx.TensorProtos.toProto(dev.kiln.api.tensor.Tensor.scalar(true), "c").toByteArray());
        try (FuzzChildProcess child = new FuzzChildProcess("128m", tmp.resolve("stderr.log"))) {
            String[] answer = child.request(model, dir, false, 0, Duration.ofSeconds(5));
            assertEquals(FuzzOutcome.TYPED.name(), answer[0], answer[1]);
            assertTrue(answer[1].startsWith("RunTimeoutException") && answer[1].contains("deadline of"), answer[1]);
        }
    }

    @Test
    void aChildThatDiesIsReportedAsACrash() throws IOException, InterruptedException {
        // a 1 MiB heap is too small for the JVM to start: it exits without answering, as a crashed one would
        try (FuzzChildProcess child = new FuzzChildProcess("1m", tmp.resolve("stderr.log"))) {
            String[] r = child.request(tmp.resolve("none.onnx"), null, false, 0, Duration.ofSeconds(60));
            assertEquals(FuzzOutcome.CRASH.name(), r[0], r[1]);
        }
    }

    private static Model reluModel() {
        Graph g = Graph.builder("relu").input("x", ValueType.tensor(DType.FLOAT, 2, 3))
                .node(Node.builder("Relu").name("r").inputs("x").outputs("y").build())
                .output("y", ValueType.tensor(DType.FLOAT, 2, 3)).build();
        return Model.builder(g).opset("", 13).build();
    }
}
