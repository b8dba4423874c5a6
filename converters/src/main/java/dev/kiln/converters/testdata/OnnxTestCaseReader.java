package dev.kiln.converters.testdata;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.kiln.api.ModelLoadException;
import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.TensorMap;
import dev.kiln.api.tensor.TensorSequence;
import dev.kiln.converters.onnx.OnnxModelReader;
import dev.kiln.converters.onnx.TensorProtos;
import dev.kiln.converters.proto.OnnxProto.MapProto;
import dev.kiln.converters.proto.OnnxProto.OptionalProto;
import dev.kiln.converters.proto.OnnxProto.SequenceProto;
import dev.kiln.converters.proto.OnnxProto.TensorProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads ONNX backend test-case folders: {@code model.onnx} plus {@code test_data_set_N/input_K.pb} and
 * {@code output_K.pb}. Each {@code .pb} holds a TensorProto, SequenceProto, OptionalProto or MapProto;
 * which one is decided by the type of the graph input or output it belongs to (the bytes alone cannot
 * tell them apart). Input K belongs to the K-th graph input without an initializer, output K to the
 * K-th graph output. Failures are {@link ModelLoadException}s naming the file. Stateless and thread-safe.
 */
public final class OnnxTestCaseReader {
    private static final String DATA_SET_PREFIX = "test_data_set_";

    private OnnxTestCaseReader() {
    }

    /** Reads the case in {@code dir}. */
    public static OnnxTestCase read(Path dir) {
        Model model = new OnnxModelReader().read(dir.resolve("model.onnx"), ModelLoadOptions.inDirectory(dir));
        List<Value> inputs = model.graph().requiredInputs();
        List<Value> outputs = model.graph().outputs();
        List<OnnxTestCase.DataSet> sets = new ArrayList<>();
        for (Path set : dataSetFolders(dir)) {
            sets.add(new OnnxTestCase.DataSet(set.getFileName().toString(), readAll(set, "input_", inputs),
                    readAll(set, "output_", outputs)));
        }
        return new OnnxTestCase(dir.getFileName().toString(), dir, model, sets);
    }

    /** Decodes one {@code .pb} file as a value of the expected type (null when unknown: a tensor). */
    public static RuntimeValue readValue(Path file, ValueType expected) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (expected instanceof ValueType.SequenceType s) {
                return TensorProtos.toSequence(SequenceProto.parseFrom(bytes), tensorElementType(s.elementType()));
            }
            if (expected instanceof ValueType.OptionalType o) {
                return TensorProtos.toOptional(OptionalProto.parseFrom(bytes), o.elementType());
            }
            if (expected instanceof ValueType.MapType m) {
                return toMap(MapProto.parseFrom(bytes), m);
            }
            return TensorProtos.toTensor(TensorProto.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new ModelLoadException(file + ": truncated or malformed protobuf (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (ModelLoadException e) {
            throw new ModelLoadException(file + ": " + e.getMessage(), e);
        }
    }

    private static List<RuntimeValue> readAll(Path set, String prefix, List<Value> slots) {
        List<RuntimeValue> values = new ArrayList<>();
        for (int k = 0; ; k++) {
            Path f = set.resolve(prefix + k + ".pb");
            if (!Files.exists(f)) {
                return values;
            }
            if (k >= slots.size()) {
                throw new ModelLoadException(f + ": the model has only " + slots.size() + " graph values it could belong to");
            }
            values.add(readValue(f, slots.get(k).type()));
        }
    }

    private static List<Path> dataSetFolders(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith(DATA_SET_PREFIX))
                    .sorted(Comparator.comparingInt(OnnxTestCaseReader::setNumber)).toList();
        } catch (IOException e) {
            throw new ModelLoadException("cannot list test case " + dir + ": " + e.getMessage(), e);
        }
    }

    private static int setNumber(Path p) {
        try {
            return Integer.parseInt(p.getFileName().toString().substring(DATA_SET_PREFIX.length()));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static DType tensorElementType(ValueType t) {
        return t instanceof ValueType.TensorType tt ? tt.elementType() : null;
    }

    private static TensorMap toMap(MapProto m, ValueType.MapType type) {
        TensorSequence values = TensorProtos.toSequence(m.getValues(), tensorElementType(type.valueType()));
        int keys = m.getKeysCount() + m.getStringKeysCount();
        if (keys != values.size()) {
            throw new ModelLoadException("map has " + keys + " keys but " + values.size() + " values");
        }
        Map<Object, Object> entries = new LinkedHashMap<>();
        for (int i = 0; i < keys; i++) {
            Object key = type.keyType() == DType.STRING ? m.getStringKeys(i).toString(StandardCharsets.UTF_8) : (Object) m.getKeys(i);
            entries.put(key, values.get(i));
        }
        return new TensorMap(type.keyType(), values.elementType(), entries);
    }
}
