package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The linear-algebra kernels against ONNX Runtime on random inputs, over shapes and attribute variants. */
class LinalgOrtComparisonTest {
    private static final Random RANDOM = new Random(42);

    static Tensor random(long... dims) {
        float[] v = new float[(int) Shape.of(dims).elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = RANDOM.nextFloat() * 2 - 1;
        }
        return Tensor.of(v, dims);
    }

    @ParameterizedTest(name = "A{0} x B{1}")
    @CsvSource(delimiter = ';', value = {
        "1,128,384; 384,384",
        "2,12,16,8; 2,12,8,16",
        "3,1,5,7; 1,4,7,2",
        "7; 7,3",
        "4,6; 6",
        "1,1,200; 200,300",
    })
    void matMul(String a, String b) {
        Node n = Node.builder("MatMul").inputs("A", "B").outputs("Y").build();
        KernelHarness.assertMatchesOrt(n, 13, 1e-4, 1e-5, random(dims(a)), random(dims(b)));
    }

    @ParameterizedTest(name = "transA={0} transB={1} alpha={2} beta={3} C{4}")
    @CsvSource({
        "0, 0, 1.0, 1.0, 1 9",
        "1, 0, 0.5, 2.0, 5 1",
        "0, 1, 1.0, 0.0, 5 9",
        "1, 1, -1.5, 1.0, 9",
        "0, 1, 1.0, 1.0, ''",
    })
    void gemm(long transA, long transB, float alpha, float beta, String c) {
        int m = 5;
        int k = 11;
        int n = 9;
        Node.Builder b = Node.builder("Gemm").inputs("A", "B").outputs("Y")
                .attr("transA", transA).attr("transB", transB).attr("alpha", alpha).attr("beta", beta);
        Tensor a = transA == 1 ? random(k, m) : random(m, k);
        Tensor bm = transB == 1 ? random(n, k) : random(k, n);
        if (c.isEmpty()) {
            KernelHarness.assertMatchesOrt(b.build(), 13, 1e-4, 1e-5, a, bm);
        } else {
            b.input("C");
            KernelHarness.assertMatchesOrt(b.build(), 13, 1e-4, 1e-5, a, bm, random(dims(c.replace(' ', ','))));
        }
    }

    /** Products large enough to be split into row or column blocks, so beta * C is added block by block as an epilogue. */
    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4} C{5}")
    @CsvSource({
        "300, 64, 40, 0, 0, 40",
        "300, 64, 40, 1, 0, 300 1",
        "40, 64, 300, 0, 1, 40 300",
        "40, 64, 300, 1, 1, 1",
        "40, 64, 300, 0, 0, 1 300",
    })
    void gemmSplitIntoBlocksAddsCEverywhere(int m, int k, int n, long transA, long transB, String c) {
        Node node = Node.builder("Gemm").inputs("A", "B", "C").outputs("Y")
                .attr("transA", transA).attr("transB", transB).attr("alpha", 0.75f).attr("beta", -1.25f).build();
        Tensor a = transA == 1 ? random(k, m) : random(m, k);
        Tensor bm = transB == 1 ? random(n, k) : random(k, n);
        KernelHarness.assertMatchesOrt(node, 13, 1e-4, 1e-5, a, bm, random(dims(c.replace(' ', ','))));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "bij,bjk->bik; 3,4,5; 3,5,6",
        "ij,jk; 4,5; 5,6",
        "...ij,...jk->...ik; 2,3,4; 2,4,5",
        "bhqd,bhkd->bhqk; 1,2,8,4; 1,2,6,4",
        "ii->i; 5,5; ''",
        "abc->ac; 2,3,4; ''",
        "ij,ij->i; 3,5; 3,5",
    })
    void einsum(String equation, String a, String b) {
        Node.Builder nb = Node.builder("Einsum").outputs("Y").attr("equation", equation).input("x0");
        if (b.isEmpty()) {
            KernelHarness.assertMatchesOrt(nb.build(), 12, 1e-4, 1e-5, random(dims(a)));
        } else {
            KernelHarness.assertMatchesOrt(nb.input("x1").build(), 12, 1e-4, 1e-5, random(dims(a)), random(dims(b)));
        }
    }

    static long[] dims(String csv) {
        String[] p = csv.trim().split(",");
        long[] d = new long[p.length];
        for (int i = 0; i < p.length; i++) {
            d[i] = Long.parseLong(p[i].trim());
        }
        return d;
    }
}
