package dev.kiln.converters.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ModelLoadException;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.OptionalValue;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorSequence;
import dev.kiln.converters.NodeSuite;
import dev.kiln.converters.onnx.TensorProtos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class OnnxTestCaseReaderTest {

    @TestFactory
    Stream<DynamicTest> everyNodeSuiteCaseReadsWithValuesOfTheDeclaredTypes() {
        return NodeSuite.cases().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
            OnnxTestCase tc = OnnxTestCaseReader.read(dir);
            assertFalse(tc.dataSets().isEmpty(), "at least one data set");
            for (OnnxTestCase.DataSet set : tc.dataSets()) {
                List<Value> ins = tc.model().graph().requiredInputs();
                List<Value> outs = tc.model().graph().outputs();
                assertTrue(set.inputs().size() <= ins.size(), set.name() + " inputs");
                assertEquals(outs.size(), set.outputs().size(), set.name() + " outputs");
                for (int k = 0; k < set.inputs().size(); k++) {
                    assertMatches(ins.get(k), set.inputs().get(k));
                }
                for (int k = 0; k < set.outputs().size(); k++) {
                    assertMatches(outs.get(k), set.outputs().get(k));
                }
            }
        }));
    }

    @Test
    void sequenceInputsAreReadAsSequences() {
        OnnxTestCase tc = OnnxTestCaseReader.read(NodeSuite.testCase("test_sequence_insert_at_back"));
        TensorSequence s = assertInstanceOf(TensorSequence.class, tc.dataSets().get(0).inputs().get(0));
        assertEquals(DType.INT64, s.elementType());
        assertEquals(3, s.size());
        assertEquals(4, s.get(0).size());
    }

    @Test
    void optionalInputsAreReadEmptyOrHoldingASequence() {
        OnnxTestCase empty = OnnxTestCaseReader.read(NodeSuite.testCase("test_optional_has_element_empty_optional_input"));
        OptionalValue none = assertInstanceOf(OptionalValue.class, empty.dataSets().get(0).inputs().get(0));
        assertFalse(none.isPresent());
        OnnxTestCase seq = OnnxTestCaseReader.read(NodeSuite.testCase("test_optional_get_element_optional_sequence"));
        OptionalValue held = assertInstanceOf(OptionalValue.class, seq.dataSets().get(0).inputs().get(0));
        TensorSequence s = assertInstanceOf(TensorSequence.class, held.value());
        assertEquals(DType.INT32, s.elementType());
    }

    @Test
    void dataSetsComeInNumericOrderAndInputsFollowRequiredInputs(@TempDir Path dir) throws IOException {
        Files.copy(idModel(), dir.resolve("model.onnx"));
        for (int set : new int[] {10, 2}) {
            Path d = Files.createDirectory(dir.resolve("test_data_set_" + set));
            Files.write(d.resolve("input_0.pb"), TensorProtos.toProto(Tensor.of(new float[] {set}, 1), "x").toByteArray());
            Files.write(d.resolve("output_0.pb"), TensorProtos.toProto(Tensor.of(new float[] {set}, 1), "y").toByteArray());
        }
        OnnxTestCase tc = OnnxTestCaseReader.read(dir);
        assertEquals(List.of("test_data_set_2", "test_data_set_10"), tc.dataSets().stream().map(OnnxTestCase.DataSet::name).toList());
        assertEquals(10f, ((Tensor) tc.dataSets().get(1).inputs().get(0)).getFloat(0));
    }

    @Test
    void corruptDataFileIsAModelLoadExceptionNamingIt(@TempDir Path dir) throws IOException {
        Files.copy(idModel(), dir.resolve("model.onnx"));
        Path d = Files.createDirectory(dir.resolve("test_data_set_0"));
        byte[] whole = TensorProtos.toProto(Tensor.of(new float[] {1, 2, 3}, 3), "x").toByteArray();
        Files.write(d.resolve("input_0.pb"), java.util.Arrays.copyOf(whole, whole.length - 2));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> OnnxTestCaseReader.read(dir));
        assertTrue(e.getMessage().contains("input_0.pb"), e.getMessage());
    }

    private static Path idModel() throws IOException {
        Path p = Files.createTempFile("id", ".onnx");
        dev.kiln.converters.proto.OnnxProto.ModelProto m = dev.kiln.converters.onnx.ProtoModels.model(13,
                dev.kiln.converters.onnx.ProtoModels.graph("id").addInput(dev.kiln.converters.onnx.ProtoModels.value("x", DType.FLOAT, 1))
                        .addNode(dev.kiln.converters.onnx.ProtoModels.node("Identity", List.of("x"), List.of("y")))
                        .addOutput(dev.kiln.converters.onnx.ProtoModels.value("y", DType.FLOAT, 1)).build());
        Files.write(p, m.toByteArray());
        p.toFile().deleteOnExit();
        return p;
    }

    private static void assertMatches(Value slot, RuntimeValue v) {
        ValueType t = slot.type();
        if (t instanceof ValueType.TensorType tt) {
            Tensor tensor = assertInstanceOf(Tensor.class, v, slot.name());
            assertEquals(tt.elementType(), tensor.dtype(), slot.name());
            if (tt.shape() != null) {
                assertEquals(tt.shape().rank(), tensor.rank(), slot.name() + " rank");
            }
        } else if (t instanceof ValueType.SequenceType) {
            assertInstanceOf(TensorSequence.class, v, slot.name());
        } else if (t instanceof ValueType.OptionalType) {
            assertInstanceOf(OptionalValue.class, v, slot.name());
        }
    }
}
