package dev.kiln.backend.cpu.kernels.vision;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import org.junit.jupiter.api.Test;

/** DeformConv against its defining sum with random offsets, masks, groups and offset groups, and against Conv. */
class DeformConvKernelTest {
    @Test
    void randomOffsetsAndMaskMatchTheDefiningSum() {
        // ONNX Runtime 1.23 has no DeformConv kernel: the reference is the spec's sum, with bilinear reads written as
        // tent weights max(0, 1 - |d|) over the integer pixels around each point (zero outside the image)
        Node n = Node.builder("DeformConv").inputs("x", "w", "off", "b", "mask").output("y").attr("pads", 1, 0, 1, 1)
                .attr("strides", 1, 2).attr("dilations", 2, 1).attr("group", 2L).attr("offset_group", 2L).attr("kernel_shape", 3, 2).build();
        int batch = 2;
        int c = 4;
        int h = 7;
        int w = 8;
        int m = 6;
        int oh = 5;
        int ow = 4;
        Tensor x = VisionOrtComparisonTest.random(-1, 1, batch, c, h, w);
        Tensor wt = VisionOrtComparisonTest.random(-1, 1, m, 2, 3, 2);
        Tensor off = VisionOrtComparisonTest.random(-2, 2, batch, 2 * 2 * 6, oh, ow);
        Tensor bias = VisionOrtComparisonTest.random(-1, 1, m);
        Tensor mask = VisionOrtComparisonTest.random(0, 1, batch, 2 * 6, oh, ow);
        float[] got = KernelHarness.runOne(n, x, wt, off, bias, mask).toFloatArray();
        float[] xv = x.toFloatArray();
        float[] wv = wt.toFloatArray();
        float[] ov = off.toFloatArray();
        float[] mv = mask.toFloatArray();
        float[] bv = bias.toFloatArray();
        int k = 0;
        for (int b = 0; b < batch; b++) {
            for (int oc = 0; oc < m; oc++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double sum = bv[oc];
                        for (int ci = 0; ci < 2; ci++) {
                            int ch = (oc / 3) * 2 + ci;
                            int og = ch / 2;
                            for (int ki = 0; ki < 3; ki++) {
                                for (int kj = 0; kj < 2; kj++) {
                                    int tap = ki * 2 + kj;
                                    int at = (i * ow + j);
                                    double py = i - 1 + ki * 2 + ov[((b * 2 + og) * 12 + 2 * tap) * oh * ow + at];
                                    double px = j * 2 + kj + ov[((b * 2 + og) * 12 + 2 * tap + 1) * oh * ow + at];
                                    double v = 0;
                                    for (int yi = (int) Math.floor(py); yi <= Math.floor(py) + 1; yi++) {
                                        for (int xi = (int) Math.floor(px); xi <= Math.floor(px) + 1; xi++) {
                                            if (yi >= 0 && yi < h && xi >= 0 && xi < w) {
                                                v += Math.max(0, 1 - Math.abs(py - yi)) * Math.max(0, 1 - Math.abs(px - xi))
                                                        * xv[((b * c + ch) * h + yi) * w + xi];
                                            }
                                        }
                                    }
                                    sum += wv[((oc * 2 + ci) * 3 + ki) * 2 + kj] * v * mv[((b * 2 + og) * 6 + tap) * oh * ow + at];
                                }
                            }
                        }
                        org.junit.jupiter.api.Assertions.assertEquals(sum, got[k++], 1e-4, "output " + (k - 1));
                    }
                }
            }
        }
    }

    @Test
    void zeroOffsetsGiveAPlainConvolution() {
        Node deform = Node.builder("DeformConv").inputs("x", "w", "off").output("y").attr("pads", 1, 1, 1, 1).build();
        Tensor x = VisionOrtComparisonTest.random(-1, 1, 1, 3, 6, 5);
        Tensor w = VisionOrtComparisonTest.random(-1, 1, 4, 3, 3, 3);
        Tensor y = KernelHarness.runOne(deform, x, w, Tensor.zeros(x.dtype(), 1, 18, 6, 5));
        Node conv = Node.builder("Conv").inputs("x", "w").output("y").attr("pads", 1, 1, 1, 1).build();
        Tensor expected = KernelHarness.runOne(conv, x, w);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected.toFloatArray(), y.toFloatArray(), 1e-5f);
    }
}
