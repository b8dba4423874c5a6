package dev.kiln.converters.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.kiln.api.ModelLoadException;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.OptionalValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorSequence;
import dev.kiln.converters.proto.OnnxProto.OptionalProto;
import dev.kiln.converters.proto.OnnxProto.StringStringEntryProto;
import dev.kiln.converters.proto.OnnxProto.TensorProto;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TensorProtosTest {

    @ParameterizedTest
    @EnumSource(DType.class)
    void everyElementTypeRoundTripsThroughRawAndTypedFields(DType type) {
        Tensor t = sample(type);
        for (TensorProtos.Encoding enc : TensorProtos.Encoding.values()) {
            TensorProto p = TensorProtos.toProto(t, "w", enc);
            assertEquals(type.code(), p.getDataType());
            assertEquals(enc == TensorProtos.Encoding.RAW && type != DType.STRING, p.hasRawData(), "raw_data used for " + enc);
            Tensor back = TensorProtos.toTensor(reparse(p));
            assertTrue(t.contentEquals(back), type + " via " + enc + ": " + t + " came back as " + back);
        }
    }

    @Test
    void int4IsPackedLowNibbleFirstAndSignExtended() {
        Tensor t = Tensor.of(DType.INT4, new byte[] {1, -2, 3}, 3);
        assertArrayEquals(new byte[] {(byte) 0xE1, 0x03}, TensorProtos.toProto(t, "q").getRawData().toByteArray());
        TensorProto p = TensorProto.newBuilder().setDataType(DType.INT4.code()).addDims(3)
                .setRawData(ByteString.copyFrom(new byte[] {(byte) 0xE1, 0x03})).build();
        assertArrayEquals(new byte[] {1, -2, 3}, TensorProtos.toTensor(p).byteData());
    }

    @Test
    void uint2IsPackedFourPerByte() {
        Tensor t = Tensor.of(DType.UINT2, new byte[] {1, 2, 3, 0, 1}, 5);
        assertArrayEquals(new byte[] {0x39, 0x01}, TensorProtos.toProto(t, "q").getRawData().toByteArray());
    }

    @Test
    void float16TypedFieldHoldsUnsignedBits() {
        TensorProto p = TensorProto.newBuilder().setDataType(DType.FLOAT16.code()).addDims(2).addInt32Data(0xBC00).addInt32Data(0x3C00).build();
        Tensor t = TensorProtos.toTensor(p);
        assertEquals(-1.0, t.getDouble(0));
        assertEquals(1.0, t.getDouble(1));
        assertEquals(List.of(0xBC00, 0x3C00), TensorProtos.toProto(t, "h", TensorProtos.Encoding.TYPED).getInt32DataList());
    }

    @Test
    void rawDataIsLittleEndian() {
        TensorProto p = TensorProtos.toProto(Tensor.of(new int[] {0x01020304}, 1), "i");
        assertArrayEquals(new byte[] {4, 3, 2, 1}, p.getRawData().toByteArray());
    }

    @Test
    void dataLengthMustAgreeWithDims() {
        TensorProto raw = TensorProto.newBuilder().setName("weights").setDataType(DType.FLOAT.code()).addDims(3)
                .setRawData(ByteString.copyFrom(new byte[8])).build();
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> TensorProtos.toTensor(raw));
        assertTrue(e.getMessage().contains("weights") && e.getMessage().contains("12"), e.getMessage());
        TensorProto typed = TensorProto.newBuilder().setName("ids").setDataType(DType.INT64.code()).addDims(2).addInt64Data(1).build();
        e = assertThrows(ModelLoadException.class, () -> TensorProtos.toTensor(typed));
        assertTrue(e.getMessage().contains("ids") && e.getMessage().contains("int64_data"), e.getMessage());
    }

    @Test
    void negativeDimsAreRefused() {
        TensorProto p = TensorProto.newBuilder().setName("bad").setDataType(DType.FLOAT.code()).addDims(2).addDims(-3).build();
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> TensorProtos.toTensor(p));
        assertTrue(e.getMessage().contains("bad") && e.getMessage().contains("negative"), e.getMessage());
    }

    @Test
    void elementCountOverflowIsRefused() {
        TensorProto dims = TensorProto.newBuilder().setName("huge").setDataType(DType.FLOAT.code())
                .addDims(1L << 40).addDims(1L << 40).build();
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> TensorProtos.toTensor(dims));
        assertTrue(e.getMessage().contains("huge") && e.getMessage().contains("overflow"), e.getMessage());
        TensorProto bytes = TensorProto.newBuilder().setName("wide").setDataType(DType.DOUBLE.code()).addDims(Long.MAX_VALUE / 4).build();
        e = assertThrows(ModelLoadException.class, () -> TensorProtos.toTensor(bytes));
        assertTrue(e.getMessage().contains("wide") && e.getMessage().contains("overflow"), e.getMessage());
    }

    @Test
    void externalDataIsRefusedWithoutAModelFolder() {
        TensorProto p = TensorProto.newBuilder().setName("ext").setDataType(DType.FLOAT.code()).addDims(1)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin")).build();
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> TensorProtos.toTensor(p));
        assertTrue(e.getMessage().contains("ext") && e.getMessage().contains("w.bin"), e.getMessage());
    }

    @Test
    void undefinedElementTypeIsRefused() {
        TensorProto p = TensorProto.newBuilder().setName("u").addDims(1).build();
        assertThrows(ModelLoadException.class, () -> TensorProtos.toTensor(p));
    }

    @Test
    void sequencesRoundTripAndKeepTheirTypeWhenEmpty() {
        TensorSequence s = new TensorSequence(DType.INT64, List.of(Tensor.of(new long[] {1, 2}, 2), Tensor.of(new long[] {3}, 1)));
        TensorSequence back = TensorProtos.toSequence(TensorProtos.toProto(s, "seq"), null);
        assertEquals(2, back.size());
        assertTrue(back.get(1).contentEquals(s.get(1)));
        TensorSequence empty = TensorProtos.toSequence(TensorProtos.toProto(new TensorSequence(DType.FLOAT, List.of()), "e"), DType.FLOAT);
        assertEquals(DType.FLOAT, empty.elementType());
        assertThrows(ModelLoadException.class, () -> TensorProtos.toSequence(TensorProtos.toProto(new TensorSequence(DType.FLOAT, List.of()), "e"), null));
    }

    @Test
    void optionalsRoundTripFullAndEmpty() {
        ValueType tt = new ValueType.TensorType(DType.FLOAT, Shape.of(2));
        OptionalValue full = OptionalValue.of(tt, Tensor.of(new float[] {1, 2}, 2));
        OptionalValue back = TensorProtos.toOptional(TensorProtos.toProto(full, "o"), tt);
        assertTrue(back.isPresent());
        assertTrue(((Tensor) back.value()).contentEquals((Tensor) full.value()));
        OptionalValue empty = TensorProtos.toOptional(OptionalProto.newBuilder().setName("o").build(), tt);
        assertFalse(empty.isPresent());
        assertEquals(tt, empty.elementType());
    }

    private static TensorProto reparse(TensorProto p) {
        try {
            return TensorProto.parseFrom(p.toByteArray());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    /** A small tensor of each type with edge values: extremes, sign bits, NaN, odd counts for packed types. */
    static Tensor sample(DType t) {
        return switch (t) {
            case FLOAT -> Tensor.of(new float[] {0f, -1.5f, Float.NaN, Float.POSITIVE_INFINITY, 3.25f, -0f}, 2, 3);
            case DOUBLE -> Tensor.of(new double[] {0, -1.5, Double.NaN, Double.MAX_VALUE, 1e-300, -0.0}, 3, 2);
            case COMPLEX64 -> Tensor.of(DType.COMPLEX64, new float[] {1, 2, -3, 4.5f, 0, -0f}, 3);
            case COMPLEX128 -> Tensor.of(DType.COMPLEX128, new double[] {1, 2, -3, 4.5, Double.NaN, 7}, 3);
            case INT64, UINT64 -> Tensor.of(t, new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE, 7}, 5);
            case INT32, UINT32 -> Tensor.of(t, new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE, 7}, 5);
            case INT16, UINT16, FLOAT16, BFLOAT16 -> Tensor.of(t, new short[] {Short.MIN_VALUE, -1, 0, 0x3C00, 0x7C00, 12345}, 6);
            case INT4 -> Tensor.of(t, new byte[] {-8, 7, 0, -1, 3}, 5);
            case UINT4, FLOAT4E2M1 -> Tensor.of(t, new byte[] {0, 15, 9, 1, 6}, 5);
            case INT2 -> Tensor.of(t, new byte[] {-2, 1, 0, -1, 1}, 5);
            case UINT2 -> Tensor.of(t, new byte[] {0, 3, 2, 1, 3}, 5);
            case BOOL -> Tensor.of(new boolean[] {true, false, true}, 3);
            case STRING -> Tensor.of(new String[] {"", "a", "n\u00fcl", "x y"}, 2, 2);
            default -> Tensor.of(t, new byte[] {0, -1, 127, -128, 5}, 5);
        };
    }
}
