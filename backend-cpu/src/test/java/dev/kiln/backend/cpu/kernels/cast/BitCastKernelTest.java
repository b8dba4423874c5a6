package dev.kiln.backend.cpu.kernels.cast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BitCast (opset 26, which ONNX Runtime 1.23 lacks) against Java's own bit reinterpretations. */
class BitCastKernelTest {
    private static Tensor cast(Tensor x, DType to) {
        Node n = Node.builder("BitCast").input("x").output("y").attr("to", (long) to.code()).build();
        return (Tensor) KernelHarness.run(n, 26, List.of(x)).get(0);
    }

    @Test
    void reinterpretsBitsOfEqualWidth() {
        float[] f = {1.5f, -0f, Float.NaN, 3.4e38f};
        Tensor i = cast(Tensor.of(f, 2, 2), DType.INT32);
        for (int k = 0; k < f.length; k++) {
            assertEquals(Float.floatToRawIntBits(f[k]), i.intData()[k]);
        }
        assertEquals(List.of(2L, 2L), List.of(i.dim(0), i.dim(1)));
        double[] d = {Math.PI, -1e300};
        Tensor l = cast(Tensor.of(d, 2), DType.INT64);
        assertEquals(Double.doubleToRawLongBits(d[1]), l.longData()[1]);
        Tensor back = cast(l, DType.DOUBLE);
        assertEquals(d[0], back.doubleData()[0], 0);
        Tensor u = cast(Tensor.of(DType.INT8, new byte[] {-1, 5}, 2), DType.UINT8);
        assertEquals(255, u.getLong(0));
        Tensor s = cast(Tensor.of(DType.UINT16, new short[] {(short) 0xFFFE}, 1), DType.INT16);
        assertEquals(-2, s.getLong(0));
        Tensor h = cast(Tensor.of(DType.FLOAT16, new short[] {(short) 0x3C00}, 1), DType.UINT16);
        assertEquals(0x3C00, h.getLong(0));
        Tensor n4 = cast(Tensor.of(DType.UINT4, new byte[] {15, 7}, 2), DType.INT4);
        assertEquals(List.of(-1L, 7L), List.of(n4.getLong(0), n4.getLong(1)));
        Tensor b = cast(Tensor.of(new boolean[] {true, false}, 2), DType.UINT8);
        assertEquals(List.of(1L, 0L), List.of(b.getLong(0), b.getLong(1)));
    }

    @Test
    void rejectsDifferentWidths() {
        assertThrows(InvalidInputException.class, () -> cast(Tensor.of(new float[] {1f}, 1), DType.INT64));
    }
}
