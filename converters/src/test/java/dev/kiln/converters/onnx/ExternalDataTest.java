package dev.kiln.converters.onnx;

import static dev.kiln.converters.onnx.ProtoModels.anyShape;
import static dev.kiln.converters.onnx.ProtoModels.graph;
import static dev.kiln.converters.onnx.ProtoModels.model;
import static dev.kiln.converters.onnx.ProtoModels.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ModelLoadException;
import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.ir.Model;
import dev.kiln.api.tensor.DType;
import dev.kiln.converters.proto.OnnxProto.StringStringEntryProto;
import dev.kiln.converters.proto.OnnxProto.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** External tensor data is read only from inside the model's folder; each escape route is refused on its own. */
class ExternalDataTest {
    @TempDir
    Path tmp;
    private Path modelDir;
    private Path outside;

    @BeforeEach
    void files() throws IOException {
        modelDir = Files.createDirectory(tmp.resolve("model"));
        outside = Files.createDirectory(tmp.resolve("outside"));
        Files.write(modelDir.resolve("weights.bin"), floats(0, 0, 1.5f, -2f, 4f));
        Files.write(outside.resolve("secret.bin"), floats(9, 9, 9));
    }

    @Test
    void dataInsideTheFolderIsRead() {
        Model m = load("weights.bin", "8", "12");
        assertArrayEquals(new float[] {1.5f, -2f, 4f}, m.graph().initializers().get("w").floatData());
        assertArrayEquals(new float[] {1.5f, -2f, 4f}, load("./weights.bin", "8", null).graph().initializers().get("w").floatData());
    }

    @Test
    void absolutePathIsRefused() {
        String abs = outside.resolve("secret.bin").toAbsolutePath().toString();
        assertRefused(abs, "absolute", "0", "12");
    }

    @Test
    void parentDirectoryEscapeIsRefused() {
        assertRefused("../outside/secret.bin", "'..'", "0", "12");
        assertRefused("sub/../../outside/secret.bin", "'..'", "0", "12");
    }

    @Test
    void symlinkLeavingTheFolderIsRefused() throws IOException {
        Files.createSymbolicLink(modelDir.resolve("link.bin"), outside.resolve("secret.bin"));
        assertRefused("link.bin", "symbolic link", "0", "12");
    }

    @Test
    void symlinkedParentFolderLeavingTheFolderIsRefused() throws IOException {
        Files.createSymbolicLink(modelDir.resolve("sub"), outside);
        assertRefused("sub/secret.bin", "symbolic link", "0", "12");
    }

    @Test
    void rangePastTheEndOfTheFileIsRefused() {
        assertRefused("weights.bin", "past its end", "12", "12");
        assertRefused("weights.bin", "past its end", "100", null);
    }

    @Test
    void lengthDisagreeingWithTheDimsIsRefused() {
        assertRefused("weights.bin", "need 12", "0", "8");
    }

    @Test
    void negativeOffsetIsRefused() {
        assertRefused("weights.bin", "negative", "-4", "12");
    }

    @Test
    void negativeLengthIsRefused() {
        assertRefused("weights.bin", "negative", "8", "-1");
    }

    @Test
    void malformedOffsetIsRefused() {
        assertRefused("weights.bin", "not a number", "4k", "12");
    }

    @Test
    void offsetPlusLengthOverflowingALongIsRefused() {
        assertRefused("weights.bin", "past its end", "8", Long.toString(Long.MAX_VALUE));
        assertRefused("weights.bin", "past its end", Long.toString(Long.MAX_VALUE - 4), "12");
    }

    @Test
    void petabyteLengthIsRefusedBeforeAllocating() {
        assertRefused("weights.bin", "past its end", "0", Long.toString(1L << 50));
    }

    @Test
    void directoryInsteadOfAFileIsRefused() throws IOException {
        Files.createDirectory(modelDir.resolve("data"));
        assertRefused("data", "not a regular file", "0", "12");
    }

    @Test
    void modelReadFromBytesHasNoFolderForExternalData() {
        byte[] bytes = modelBytes("weights.bin", "8", "12");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> new OnnxModelReader().read(bytes, ModelLoadOptions.defaults()));
        assertTrue(e.getMessage().contains("has no folder"), e.getMessage());
    }

    @Test
    void hardLinkedFileIsRefused() throws IOException {
        Files.createLink(modelDir.resolve("alias.bin"), outside.resolve("secret.bin"));
        assertRefused("alias.bin", "hard links", "0", "12");
    }

    @Test
    void missingFileIsRefused() {
        assertRefused("nothing.bin", "does not exist", "0", "12");
    }

    private void assertRefused(String location, String reason, String offset, String length) {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> load(location, offset, length));
        String msg = e.getMessage();
        assertTrue(msg.contains("'w'") && msg.contains(location) && msg.contains(reason), msg);
    }

    private Model load(String location, String offset, String length) {
        Path file = modelDir.resolve("model.onnx");
        try {
            Files.write(file, modelBytes(location, offset, length));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return new OnnxModelReader().read(file, ModelLoadOptions.defaults());
    }

    private static byte[] modelBytes(String location, String offset, String length) {
        TensorProto.Builder t = TensorProto.newBuilder().setName("w").setDataType(DType.FLOAT.code()).addDims(3)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL).addExternalData(entry("location", location));
        if (offset != null) {
            t.addExternalData(entry("offset", offset));
        }
        if (length != null) {
            t.addExternalData(entry("length", length));
        }
        return model(13, graph("ext").addInitializer(t).addNode(node("Identity", List.of("w"), List.of("y")))
                .addOutput(anyShape("y", DType.FLOAT)).build()).toByteArray();
    }

    private static StringStringEntryProto entry(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }
}
