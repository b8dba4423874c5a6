package dev.kiln.samples.cli;

import dev.kiln.samples.bench.Timings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.testdata.OnnxTestCaseReader;
import dev.kiln.samples.conformance.CaseFolders;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KilnCommandTest {
    record Result(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    static Result kiln(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = KilnCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void backendsListsTheCpuBackendAsAvailable() {
        Result r = kiln("backends");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("cpu +priority 0 +available")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("cuda ")), "the CUDA provider is listed, available or not:\n" + r.out());
    }

    @Test
    void operatorsPrintsOneRowPerOpWithItsOpsetsAndBackends() {
        Result r = kiln("operators");
        assertEquals(0, r.code(), r.err());
        List<String> rows = r.out().lines().filter(l -> l.startsWith("| ai.onnx::")).toList();
        assertTrue(rows.size() > 190, "every ai.onnx op of the changelog has a row, got " + rows.size());
        assertTrue(rows.stream().anyMatch(l -> l.startsWith("| ai.onnx::Add | 1-28 | ") && l.endsWith(" | cpu | yes |")), r.out());
        assertTrue(rows.stream().anyMatch(l -> l.startsWith("| ai.onnx::Upsample | 1-9 (read as Resize) | ")), r.out());
        assertTrue(rows.stream().anyMatch(l -> l.startsWith("| ai.onnx::Gelu | 20-28 | ")), r.out());
    }

    @Test
    void theConformanceKitPassesTheCpuBackendAndNeedsOneBackend() {
        Result r = kiln("conformance", "--kit", "--backend", "cpu");
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("PASS +MatMul +float32,float64,int32,int64 +\\d+ cases")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("cpu: \\d+ ops passed, 0 failed, 0 unsupported; \\d+ cases")), r.out());
        Result none = kiln("conformance", "--kit");
        assertEquals(2, none.code(), none.out());
        assertTrue(none.err().contains("--kit tests one backend"), none.err());
    }

    @Test
    void aMissingModelFileIsOneErrorLine() {
        Result r = kiln("run", "no/such/model.onnx");
        assertEquals(1, r.code());
        assertEquals(List.of("error: model file not found: no/such/model.onnx"), r.errLines());
        assertEquals("", r.out());
    }

    @Test
    void verboseAddsTheStackTrace() {
        Result r = kiln("--verbose", "inspect", "missing.onnx");
        assertEquals(1, r.code());
        assertEquals("error: model file not found: missing.onnx", r.errLines().get(0));
        assertTrue(r.errLines().size() > 2 && r.err().contains("at dev.kiln.samples.cli."), r.err());
        Result after = kiln("inspect", "missing.onnx", "--verbose");
        assertTrue(after.errLines().size() > 2, "--verbose also works after the subcommand");
    }

    @Test
    void usageMistakesAreOneLineWithExitCodeTwo() {
        Result unknown = kiln("frobnicate");
        assertEquals(2, unknown.code());
        assertEquals(1, unknown.errLines().size(), unknown.err());
        assertTrue(unknown.err().startsWith("error: Unmatched argument at index 0: 'frobnicate'"), unknown.err());

        Result none = kiln();
        assertEquals(List.of("error: missing command (see 'kiln --help')"), none.errLines());
        assertEquals(2, none.code());

        Result badNumber = kiln("bench", "case", "--runs", "many");
        assertEquals(2, badNumber.code());
        assertEquals(1, badNumber.errLines().size(), badNumber.err());
        assertTrue(badNumber.err().endsWith("(see 'kiln bench --help')" + System.lineSeparator()), badNumber.err());
    }

    @Test
    void benchEngineChildPrintsItsTimingsAndPeakMemory(@TempDir Path dir) throws IOException {
        Path source = CaseFolders.passingCase(dir, "test_abs");
        for (String engine : List.of("kiln", "ort")) {
            Result r = kiln("bench", source.toString(), "--runs", "2", "--warmup", "1", "--threads", "1", "--engine", engine);
            assertEquals(0, r.code(), r.err());
            String line = r.out().strip();
            assertTrue(line.startsWith(engine + " ") && line.matches(".*median_ms=[0-9.]+ .*peak_rss_mb=[0-9.]+.*"), line);
            double peak = Double.parseDouble(line.replaceAll(".*peak_rss_mb=([0-9.]+).*", "$1"));
            assertTrue(peak > 1, "a JVM holds more than 1 MiB resident: " + line);
        }
        Result bad = kiln("bench", source.toString(), "--runs", "1", "--engine", "tvm");
        assertTrue(bad.code() != 0 && bad.err().contains("expected kiln or ort"), bad.err());
    }

    @Test
    void helpNamesEveryCommand() {
        Result r = kiln("--help");
        assertEquals(0, r.code());
        for (String c : List.of("run", "convert", "inspect", "backends", "conformance", "bench", "demo", "operators")) {
            assertTrue(r.out().lines().anyMatch(l -> l.strip().startsWith(c + " ")), c + " missing from:\n" + r.out());
        }
    }

    @Test
    void conformancePrintsEachCaseThenTheTotals(@TempDir Path dir) throws IOException {
        CaseFolders.passingCase(dir, "test_good");
        CaseFolders.absCase(dir, "test_bad", new float[] {-1, 2, -3}, new float[] {1, 2, 4});
        Path list = dir.resolve("passing.txt");
        Result r = kiln("conformance", dir.toString(), "--write-passing", list.toString());
        assertEquals(List.of("FAIL test_bad: output 'y': element [2]: expected 4.0, got 3.0 (1 of 3 elements differ)",
                "PASS test_good", "1 passed, 1 failed"), r.out().lines().toList());
        assertEquals(1, r.code(), "a failed case makes the run fail");
        assertEquals(List.of("test_good"), Files.readAllLines(list));
    }

    @Test
    void convertInspectAndRunAModel(@TempDir Path dir) throws IOException {
        Path source = CaseFolders.passingCase(dir, "test_abs");
        Path converted = dir.resolve("abs.onnx");
        Result convert = kiln("convert", source.resolve("model.onnx").toString(), converted.toString(), "--opset", "14");
        assertEquals(0, convert.code(), convert.err());
        assertEquals("wrote " + converted + " (ai.onnx opset 14, 1 node)", convert.out().strip());

        Result inspect = kiln("inspect", converted.toString());
        assertEquals(0, inspect.code(), inspect.err());
        List<String> lines = inspect.out().lines().toList();
        assertTrue(lines.contains("opsets      ai.onnx 14"), inspect.out());
        assertTrue(lines.contains("inputs      x  float32[3]"), inspect.out());
        assertTrue(lines.contains("  Abs  1"), inspect.out());
        assertTrue(lines.contains("  abs  Abs  cpu"), inspect.out());

        Path out = dir.resolve("out");
        Result run = kiln("run", converted.toString(), "--input", "x=" + source.resolve("test_data_set_0/input_0.pb"), "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        assertEquals("y: float32[3]", run.out().lines().findFirst().orElse(""));
        Tensor y = (Tensor) OnnxTestCaseReader.readValue(out.resolve("y.pb"), null);
        assertTrue(Tensor.of(new float[] {1, 2, 3.5f}, 3).contentEquals(y), y.toString());
    }

    @Test
    void convertDowngradesOrRefusesNamingTheNode(@TempDir Path dir) throws IOException {
        Path source = CaseFolders.passingCase(dir, "test_abs");
        Path old = dir.resolve("abs6.onnx");
        Result ok = kiln("convert", source.resolve("model.onnx").toString(), old.toString(), "--opset", "6");
        assertEquals(0, ok.code(), ok.err());
        assertEquals("wrote " + old + " (ai.onnx opset 6, 1 node)", ok.out().strip());

        Path gelu = dir.resolve("gelu.onnx");
        Graph g = Graph.builder("gelu").input("x", ValueType.tensor(DType.FLOAT, 3))
                .node(Node.builder("Gelu").name("g").inputs("x").outputs("y").build()).output("y", ValueType.tensor(DType.FLOAT, 3)).build();
        Files.write(gelu, ModelFormats.writer("onnx").toBytes(Model.builder(g).opset("", 20).build()));
        Result refused = kiln("convert", gelu.toString(), dir.resolve("gelu19.onnx").toString(), "--opset", "19");
        assertEquals(1, refused.code());
        assertEquals(List.of("error: unsupported operator ai.onnx::Gelu (opset 19): cannot write node 'g' (Gelu) at ai.onnx opset 19: "
                + "Gelu was introduced in ai.onnx opset 20"), refused.errLines());
        Result tooOld = kiln("convert", old.toString(), dir.resolve("never.onnx").toString(), "--opset", "29");
        assertEquals(2, tooOld.code(), tooOld.err());
        assertTrue(tooOld.err().contains("--opset must be between 1 and 28"), tooOld.err());
        assertTrue(Files.notExists(dir.resolve("never.onnx")));
    }

    @Test
    void benchPrintsMedianAndP90(@TempDir Path dir) throws IOException {
        Path c = CaseFolders.passingCase(dir, "test_abs");
        Result r = kiln("bench", c.toString(), "--runs", "5", "--warmup", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().strip().matches("median_ms=\\d+\\.\\d{3} p90_ms=\\d+\\.\\d{3}"), r.out());
    }

    @Test
    void benchStatistics() {
        double[] ms = {5, 1, 4, 2, 3, 10, 6, 7, 9, 8};
        assertEquals(5.5, Timings.median(ms));
        assertEquals(9.0, Timings.p90(ms));
        assertEquals(3.0, Timings.median(new double[] {3, 1, 100}));
        assertEquals(100.0, Timings.p90(new double[] {3, 1, 100}));
    }
}
