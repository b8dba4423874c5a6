package dev.kiln.backend.cpu.kernels.signal;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The signal kernels against ONNX Runtime on random signals, over both DFT opsets and the window variants. */
class SignalOrtComparisonTest {
    private static final Random RANDOM = new Random(11);
    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-4;

    static Tensor random(long... dims) {
        float[] v = new float[(int) Shape.of(dims).elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = RANDOM.nextFloat() * 2 - 1;
        }
        return Tensor.of(v, dims);
    }

    @ParameterizedTest(name = "opset={0} inverse={1} onesided={2} complex={3} length={4} axis={5}")
    @CsvSource({
        "20, 0, 0, 1, -1, -2",
        "20, 1, 0, 1, -1, 1",
        "20, 0, 1, 0, -1, -2",
        "20, 0, 1, 0, 12, 1",
        "20, 0, 0, 0, 7, -3",
        "17, 0, 0, 1, -1, 1",
        "17, 1, 0, 1, 9, 2",
        "17, 0, 1, 0, -1, 1",
    })
    void dft(int opset, long inverse, long onesided, int complex, long length, long axis) {
        Node.Builder b = Node.builder("DFT").attr("inverse", inverse).attr("onesided", onesided).output("y");
        Tensor x = random(2, 10, 6, complex == 1 ? 2 : 1);
        int a = (int) (axis < 0 ? axis + 4 : axis);
        // the harness maps inputs by position, so the default length is passed explicitly
        long n = length > 0 ? length : inverse == 1 && onesided == 1 ? 2 * (x.dim(a) - 1) : x.dim(a);
        if (opset >= 20) {
            b.inputs("x", "n", "axis");
            KernelHarness.assertMatchesOrt(b.build(), opset, RTOL, ATOL, x, Tensor.scalar(n), Tensor.scalar(axis));
        } else {
            b.attr("axis", axis).inputs("x", "n");
            KernelHarness.assertMatchesOrt(b.build(), opset, RTOL, ATOL, x, Tensor.scalar(n));
        }
    }

    @Test
    void irfftInvertsRfft() {
        // ONNX Runtime rejects onesided with inverse, so IRFFT is checked as the inverse of the RFFT it matches
        Tensor x = random(3, 8, 1);
        Node rfft = Node.builder("DFT").inputs("x", "n", "axis").output("y").attr("onesided", 1L).build();
        Tensor spectrum = (Tensor) KernelHarness.run(rfft, 20, java.util.List.of(x, Tensor.scalar(8L), Tensor.scalar(1L))).get(0);
        Node irfft = Node.builder("DFT").inputs("y", "", "axis").output("x").attr("onesided", 1L).attr("inverse", 1L).build();
        Tensor back = (Tensor) KernelHarness.run(irfft, 20, java.util.Arrays.asList(spectrum, null, Tensor.scalar(1L))).get(0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(x.dims(), back.dims());
        org.junit.jupiter.api.Assertions.assertArrayEquals(x.toDoubleArray(), back.toDoubleArray(), 1e-5);
    }

    @Test
    void stftMatchesTheDefiningSum() {
        // ONNX Runtime 1.23 returns uninitialized values for STFT through this harness, so the spec's sum is the reference
        Tensor signal = random(2, 64, 1);
        Tensor window = random(16);
        Node n = Node.builder("STFT").inputs("s", "step", "w").output("y").build();
        Tensor y = KernelHarness.runOne(n, signal, Tensor.scalar(8L), window);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {2, 7, 9, 2}, y.dims());
        double[] s = signal.toDoubleArray();
        double[] w = window.toDoubleArray();
        double[] got = y.toDoubleArray();
        for (int b = 0; b < 2; b++) {
            for (int f = 0; f < 7; f++) {
                for (int k = 0; k < 9; k++) {
                    double re = 0;
                    double im = 0;
                    for (int t = 0; t < 16; t++) {
                        double v = s[b * 64 + f * 8 + t] * w[t];
                        re += v * Math.cos(2 * Math.PI * k * t / 16);
                        im -= v * Math.sin(2 * Math.PI * k * t / 16);
                    }
                    int o = ((b * 7 + f) * 9 + k) * 2;
                    org.junit.jupiter.api.Assertions.assertEquals(re, got[o], 1e-4);
                    org.junit.jupiter.api.Assertions.assertEquals(im, got[o + 1], 1e-4);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} periodic={1}")
    @CsvSource({
        "HannWindow, 1", "HannWindow, 0", "HammingWindow, 1", "HammingWindow, 0", "BlackmanWindow, 1", "BlackmanWindow, 0",
    })
    void windows(String op, long periodic) {
        Node n = Node.builder(op).input("size").output("y").attr("periodic", periodic).build();
        KernelHarness.assertMatchesOrt(n, 17, 1e-5, 1e-6, Tensor.scalar(33L));
        Node d = Node.builder(op).input("size").output("y").attr("periodic", periodic).attr("output_datatype", 11L).build();
        KernelHarness.assertMatchesOrt(d, 17, 1e-5, 1e-6, Tensor.scalar(10L));
    }

    @Test
    void melWeightMatrix() {
        Node n = Node.builder("MelWeightMatrix").inputs("bins", "dft", "rate", "lo", "hi").output("y").build();
        KernelHarness.assertMatchesOrt(n, 17, 1e-5, 1e-6, Tensor.scalar(10L), Tensor.scalar(128L), Tensor.scalar(16000L),
                Tensor.scalar(100f), Tensor.scalar(6000f));
    }
}
