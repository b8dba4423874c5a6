package dev.kiln.converters.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.ir.GraphVerifier;
import dev.kiln.api.ir.Model;
import dev.kiln.converters.NodeSuite;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every model of ONNX's node test suite imports, passes the verifier, and survives export and re-import unchanged. */
class NodeSuiteImportTest {
    private final OnnxModelReader reader = new OnnxModelReader();
    private final OnnxModelWriter writer = new OnnxModelWriter();

    @TestFactory
    Stream<DynamicTest> everyNodeSuiteModelImportsAndRoundTrips() {
        return NodeSuite.cases().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
    }

    private void check(Path dir) {
        Model model = reader.read(dir.resolve("model.onnx"), ModelLoadOptions.inDirectory(dir));
        GraphVerifier.verify(model.graph());
        assertTrue(model.opsetVersion("") >= 1, "ai.onnx opset recorded");
        Model again = reader.read(writer.toBytes(model), ModelLoadOptions.defaults());
        GraphVerifier.verify(again.graph());
        assertEquals(model.graph(), again.graph(), "graph after export and re-import");
        assertEquals(model.metadata(), again.metadata());
    }
}
