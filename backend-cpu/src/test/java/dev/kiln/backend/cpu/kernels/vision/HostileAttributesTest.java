package dev.kiln.backend.cpu.kernels.vision;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ExecutionException;
import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import org.junit.jupiter.api.Test;

/** Attribute values a fuzzer found (zero strides, 2^40 pads, a 2^31 sampling ratio) are typed refusals, not crashes or hangs. */
class HostileAttributesTest {
    @Test
    void col2ImRefusesZeroStridesAndAbsurdPads() {
        Tensor cols = Tensor.zeros(dev.kiln.api.tensor.DType.FLOAT, 1, 6, 56);
        Tensor image = Tensor.of(new long[] {9, 8}, 2);
        Tensor block = Tensor.of(new long[] {3, 2}, 2);
        Node zeroStride = Node.builder("Col2Im").inputs("x", "img", "blk").output("y").attr("strides", new long[] {0, 1}).build();
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> KernelHarness.run(zeroStride, cols, image, block));
        assertTrue(e.getMessage().contains("'strides' value 0"), e.getMessage());
        Node hugePads = Node.builder("Col2Im").inputs("x", "img", "blk").output("y").attr("pads", new long[] {1L << 40, 0, 0, 0}).build();
        e = assertThrows(InvalidInputException.class, () -> KernelHarness.run(hugePads, cols, image, block));
        assertTrue(e.getMessage().contains("'pads' value 1099511627776"), e.getMessage());
        Node shortPads = Node.builder("Col2Im").inputs("x", "img", "blk").output("y").attr("pads", new long[] {1, 1}).build();
        assertThrows(InvalidInputException.class, () -> KernelHarness.run(shortPads, cols, image, block));
    }

    @Test
    void roiAlignRefusesASamplingGridThatWouldRunForDays() {
        Node n = Node.builder("RoiAlign").inputs("x", "rois", "batch").output("y").attr("sampling_ratio", (long) Integer.MAX_VALUE).build();
        Tensor x = Tensor.zeros(dev.kiln.api.tensor.DType.FLOAT, 1, 1, 4, 4);
        Tensor rois = Tensor.of(new float[] {0, 0, 3, 3}, 1, 4);
        Tensor batch = Tensor.of(new long[] {0}, 1);
        ExecutionException e = assertThrows(ExecutionException.class, () -> KernelHarness.run(n, x, rois, batch));
        assertTrue(e.getMessage().contains("samples"), e.getMessage());
    }
}
