package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The neural-network kernels against ONNX Runtime on random inputs, over attribute variants. */
class NnOrtComparisonTest {
    private static final Random RANDOM = new Random(7);
    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-5;

    static Tensor random(long... dims) {
        float[] v = new float[(int) Shape.of(dims).elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = RANDOM.nextFloat() * 2 - 1;
        }
        return Tensor.of(v, dims);
    }

    static Tensor positive(long... dims) {
        float[] v = new float[(int) Shape.of(dims).elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = 0.5f + RANDOM.nextFloat();
        }
        return Tensor.of(v, dims);
    }

    @ParameterizedTest(name = "group={0} strides={1} pads={2} dilations={3} auto_pad={4}")
    @CsvSource({
        "1, 1 1, 1 1 1 1, 1 1, NOTSET",
        "2, 2 2, 0 1 1 0, 1 1, NOTSET",
        "4, 1 2, 2 2 2 2, 2 1, NOTSET",
        "8, 1 1, 1 1 1 1, 1 1, NOTSET",
        "1, 2 2, '', 1 1, SAME_UPPER",
        "2, 2 1, '', 1 1, SAME_LOWER",
        "1, 1 1, '', 1 1, VALID",
    })
    void conv2d(long group, String strides, String pads, String dilations, String autoPad) {
        Node.Builder b = Node.builder("Conv").inputs("X", "W", "B").outputs("Y").attr("group", group)
                .attr("strides", ints(strides)).attr("dilations", ints(dilations)).attr("auto_pad", autoPad);
        if (!pads.isEmpty()) {
            b.attr("pads", ints(pads));
        }
        long m = 16;
        KernelHarness.assertMatchesOrt(b.build(), 22, RTOL, ATOL, random(2, 8, 11, 9), random(m, 8 / group, 3, 3), random(m));
    }

    @Test
    void conv1dAnd3dAndPointwise() {
        Node c1 = Node.builder("Conv").inputs("X", "W").outputs("Y").attr("pads", 2L, 1L).attr("strides", new long[] {2}).build();
        KernelHarness.assertMatchesOrt(c1, 22, RTOL, ATOL, random(1, 3, 20), random(4, 3, 5));
        Node c3 = Node.builder("Conv").inputs("X", "W").outputs("Y").attr("pads", 1, 1, 1, 1, 1, 1).build();
        KernelHarness.assertMatchesOrt(c3, 22, RTOL, ATOL, random(1, 2, 5, 6, 7), random(3, 2, 3, 3, 3));
        Node pw = Node.builder("Conv").inputs("X", "W", "B").outputs("Y").build();
        KernelHarness.assertMatchesOrt(pw, 22, RTOL, ATOL, random(2, 16, 7, 7), random(8, 16, 1, 1), random(8));
    }

    @ParameterizedTest(name = "group={0} strides={1} pads={2} output_padding={3}")
    @CsvSource({
        "1, 1 1, 0 0 0 0, 0 0",
        "1, 2 2, 1 1 1 1, 1 1",
        "2, 3 2, 0 1 2 0, 0 1",
    })
    void convTranspose(long group, String strides, String pads, String outputPadding) {
        Node n = Node.builder("ConvTranspose").inputs("X", "W", "B").outputs("Y").attr("group", group)
                .attr("strides", ints(strides)).attr("pads", ints(pads)).attr("output_padding", ints(outputPadding)).build();
        KernelHarness.assertMatchesOrt(n, 22, RTOL, ATOL, random(2, 4, 5, 6), random(4, 6 / group, 3, 3), random(6));
    }

    @ParameterizedTest(name = "{0} kernel={1} strides={2} pads={3} ceil={4}")
    @CsvSource({
        "MaxPool, 3 3, 2 2, 1 1 1 1, 0",
        "MaxPool, 2 2, 2 2, 0 0 0 0, 1",
        "MaxPool, 3 2, 1 2, 1 0 1 1, 0",
        "AveragePool, 3 3, 2 2, 1 1 1 1, 0",
        "AveragePool, 2 3, 2 2, 0 1 0 1, 1",
        "LpPool, 2 2, 1 1, 0 0 0 0, 0",
    })
    void pooling(String op, String kernel, String strides, String pads, long ceil) {
        Node.Builder b = Node.builder(op).input("X").output("Y").attr("kernel_shape", ints(kernel)).attr("strides", ints(strides))
                .attr("pads", ints(pads));
        if (!op.equals("LpPool")) {
            b.attr("ceil_mode", ceil);
        }
        KernelHarness.assertMatchesOrt(b.build(), 22, RTOL, ATOL, random(2, 3, 9, 10));
    }

    @Test
    void maxPoolIndicesAndAveragePoolCountingPadding() {
        Node max = Node.builder("MaxPool").input("X").outputs("Y", "I").attr("kernel_shape", 3, 3).attr("strides", 2, 2)
                .attr("pads", 1, 1, 1, 1).build();
        KernelHarness.assertMatchesOrt(max, 22, 0, 0, random(1, 2, 7, 8));
        Node avg = Node.builder("AveragePool").input("X").output("Y").attr("kernel_shape", 3, 3).attr("pads", 1, 1, 1, 1)
                .attr("count_include_pad", 1L).build();
        KernelHarness.assertMatchesOrt(avg, 22, RTOL, ATOL, random(1, 2, 7, 8));
    }

    @Test
    void globalPools() {
        for (String op : new String[] {"GlobalAveragePool", "GlobalMaxPool"}) {
            KernelHarness.assertMatchesOrt(Node.builder(op).input("X").output("Y").build(), 22, RTOL, ATOL, random(2, 5, 4, 3));
        }
        // ONNX Runtime implements GlobalLpPool only at opset 2; the op did not change after
        Node lp = Node.builder("GlobalLpPool").input("X").output("Y").attr("p", 3L).build();
        KernelHarness.assertMatchesOrt(lp, 2, RTOL, ATOL, random(2, 5, 4, 3));
    }

    @Test
    void normalizations() {
        Node bn = Node.builder("BatchNormalization").inputs("X", "s", "b", "m", "v").output("Y").build();
        KernelHarness.assertMatchesOrt(bn, 15, RTOL, ATOL, random(2, 4, 5, 5), random(4), random(4), random(4), positive(4));
        Node ln = Node.builder("LayerNormalization").inputs("X", "S", "B").outputs("Y", "Mean", "InvStdDev").attr("axis", -1L).build();
        KernelHarness.assertMatchesOrt(ln, 17, RTOL, ATOL, random(2, 16, 384), random(384), random(384));
        Node ln2 = Node.builder("LayerNormalization").inputs("X", "S").output("Y").attr("axis", 1L).build();
        KernelHarness.assertMatchesOrt(ln2, 17, RTOL, ATOL, random(3, 4, 5), random(4, 5));
        Node in = Node.builder("InstanceNormalization").inputs("X", "s", "b").output("Y").build();
        KernelHarness.assertMatchesOrt(in, 22, RTOL, ATOL, random(2, 3, 6, 5), random(3), random(3));
        Node lrn = Node.builder("LRN").input("X").output("Y").attr("size", 3L).build();
        KernelHarness.assertMatchesOrt(lrn, 13, RTOL, ATOL, random(2, 6, 4, 4));
        Node mvn = Node.builder("MeanVarianceNormalization").input("X").output("Y").build();
        KernelHarness.assertMatchesOrt(mvn, 13, 1e-3, 1e-4, random(2, 3, 4, 4));
    }

    @ParameterizedTest(name = "{0} axis={1}")
    @CsvSource({"Softmax, -1", "Softmax, 1", "LogSoftmax, -1", "LogSoftmax, 0", "Hardmax, 2"})
    void softmaxFamily(String op, long axis) {
        Node n = Node.builder(op).input("X").output("Y").attr("axis", axis).build();
        KernelHarness.assertMatchesOrt(n, 13, RTOL, 1e-6, random(3, 12, 17));
    }

    /** "1 2 3" as {1, 2, 3}: attribute lists written in CSV test sources. */
    static long[] ints(String spaced) {
        String[] p = spaced.trim().split("\\s+");
        long[] v = new long[p.length];
        for (int i = 0; i < p.length; i++) {
            v[i] = Long.parseLong(p[i]);
        }
        return v;
    }
}
