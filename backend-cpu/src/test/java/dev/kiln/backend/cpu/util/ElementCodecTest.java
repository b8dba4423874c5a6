package dev.kiln.backend.cpu.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;
import dev.kiln.api.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ElementCodecTest {

    @Test
    void wrapKeepsLowBitsWithTheTypesSignedness() {
        assertEquals(-56, ElementCodec.wrap(200, DType.INT8));
        assertEquals(200, ElementCodec.wrap(-56, DType.UINT8));
        assertEquals(7, ElementCodec.wrap(-9, DType.INT4));
        assertEquals(-8, ElementCodec.wrap(8, DType.INT4));
        assertEquals(15, ElementCodec.wrap(-1, DType.UINT4));
        assertEquals(1, ElementCodec.wrap(-3, DType.INT2));
        assertEquals(-2, ElementCodec.wrap(2, DType.INT2));
        assertEquals(3, ElementCodec.wrap(-1, DType.UINT2));
        assertEquals(0xFFFFFFFFL, ElementCodec.wrap(-1, DType.UINT32));
        assertEquals(1, ElementCodec.wrap(36, DType.BOOL));
    }

    @Test
    void unsignedTypesReadZeroExtended() {
        Tensor u8 = Tensor.of(DType.UINT8, new byte[] {(byte) 255, 1}, 2);
        Tensor u32 = Tensor.of(DType.UINT32, new int[] {-1, 5}, 2);
        long[] out = new long[2];
        ElementCodec.toLong(u8, 0, out, 0, 2);
        assertArrayEquals(new long[] {255, 1}, out);
        ElementCodec.toLong(u32, 0, out, 0, 2);
        assertArrayEquals(new long[] {4294967295L, 5}, out);
    }

    @Test
    void halfBlocksRoundTripThroughFloat() {
        short[] bits = {FloatFormats.floatToHalf(1.5f), FloatFormats.floatToHalf(-65504f), FloatFormats.floatToHalf(0.1f)};
        Tensor h = Tensor.of(DType.FLOAT16, bits, 3);
        float[] f = new float[3];
        ElementCodec.toFloat(h, 0, f, 0, 3);
        assertArrayEquals(new float[] {1.5f, -65504f, FloatFormats.halfToFloat(bits[2])}, f);
        Tensor back = Tensor.zeros(DType.FLOAT16, 3);
        ElementCodec.fromFloat(f, 0, back, 0, 3);
        assertArrayEquals(bits, back.shortData());
    }

    @Test
    void longsWrittenToNarrowTypesWrap() {
        Tensor i4 = Tensor.zeros(DType.INT4, 3);
        ElementCodec.fromLong(new long[] {7, 8, -9}, 0, i4, 0, 3);
        assertArrayEquals(new byte[] {7, -8, 7}, i4.byteData());
        Tensor i16 = Tensor.zeros(DType.INT16, 1);
        ElementCodec.fromLong(new long[] {40000}, 0, i16, 0, 1);
        assertEquals(-25536, i16.shortData()[0]);
    }
}
