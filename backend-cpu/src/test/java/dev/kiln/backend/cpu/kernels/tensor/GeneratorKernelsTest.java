package dev.kiln.backend.cpu.kernels.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeneratorKernelsTest {
    @Test
    void constantFromEachValueAttribute() {
        Tensor v = Tensor.of(new int[] {4, 5}, 2);
        Tensor t = KernelHarness.runOne(Node.builder("Constant").output("y").attr("value", v).build());
        assertArrayEquals(new int[] {4, 5}, t.intData());
        assertNotSame(v.intData(), t.intData());
        Tensor f = KernelHarness.runOne(Node.builder("Constant").output("y").attr("value_floats", new float[] {1.5f}).build());
        assertEquals(Shape.of(1), f.shape());
        Tensor s = KernelHarness.runOne(Node.builder("Constant").output("y").attribute(Attribute.strings("value_strings", List.of("p", "q"))).build());
        assertArrayEquals(new String[] {"p", "q"}, s.stringData());
        assertEquals(Shape.scalar(), KernelHarness.runOne(Node.builder("Constant").output("y").attr("value_int", 3L).build()).shape());
    }

    @Test
    void constantOfShapeFillsWithValue() {
        Node n = Node.builder("ConstantOfShape").input("s").output("y").attr("value", Tensor.of(new long[] {7}, 1)).build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(new long[] {2, 3}, 2));
        assertEquals(DType.INT64, y.dtype());
        assertArrayEquals(new long[] {7, 7, 7, 7, 7, 7}, y.longData());
        Node dflt = Node.builder("ConstantOfShape").input("s").output("y").build();
        assertEquals(DType.FLOAT, KernelHarness.runOne(dflt, Tensor.of(new long[] {0}, 1)).dtype());
    }

    @Test
    void rangeCountsCeilOfSpanOverDelta() {
        Node n = Node.builder("Range").inputs("a", "b", "d").output("y").build();
        assertArrayEquals(new int[] {10, 7, 4}, KernelHarness.runOne(n, Tensor.scalar(10), Tensor.scalar(2), Tensor.scalar(-3)).intData());
        assertArrayEquals(new float[] {1, 1.5f, 2, 2.5f}, KernelHarness.runOne(n, Tensor.scalar(1f), Tensor.scalar(3f), Tensor.scalar(0.5f)).floatData());
        assertEquals(0, KernelHarness.runOne(n, Tensor.scalar(5L), Tensor.scalar(1L), Tensor.scalar(1L)).size());
    }

    @Test
    void eyeLikeHonoursDtypeAndOffset() {
        Node n = Node.builder("EyeLike").input("x").output("y").attr("dtype", (long) DType.FLOAT16.code()).attr("k", 1L).build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(new int[6], 2, 3));
        assertEquals(DType.FLOAT16, y.dtype());
        short one = FloatFormats.floatToHalf(1f);
        assertArrayEquals(new short[] {0, one, 0, 0, 0, one}, y.shortData());
    }

    @Test
    void oneHotOnAxisZeroWithNegativeAndOutOfRangeIndices() {
        Node n = Node.builder("OneHot").inputs("i", "d", "v").output("y").attr("axis", 0L).build();
        Tensor y = KernelHarness.runOne(n, Tensor.of(new long[] {-1, 0, 5}, 3), Tensor.scalar(3f), Tensor.of(new int[] {2, 8}, 2));
        assertEquals(Shape.of(3, 3), y.shape());
        assertArrayEquals(new int[] {2, 8, 2, 2, 2, 2, 8, 2, 2}, y.intData());
    }
}
