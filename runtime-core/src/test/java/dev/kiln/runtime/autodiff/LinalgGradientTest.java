package dev.kiln.runtime.autodiff;

import dev.kiln.api.ir.Node;
import org.junit.jupiter.api.Test;

/** MatMul (batched, broadcast, 1-D operands) and Gemm (transposes, alpha, beta, broadcast C). */
class LinalgGradientTest {
    @Test
    void matMul() {
        GradientChecker.of("MatMul").input(3, 4).input(4, 5).check();
        GradientChecker.of("MatMul").input(2, 3, 4).input(4, 5).check();
        GradientChecker.of("MatMul").input(2, 2, 3, 4).input(4, 5).label("MatMul (rank 4 by weight)").check();
        GradientChecker.of("MatMul").input(2, 1, 3, 4).input(3, 4, 2).check();
        GradientChecker.of("MatMul").input(4).input(2, 4, 3).check();
        GradientChecker.of("MatMul").input(2, 3, 4).input(4).check();
        GradientChecker.of("MatMul").input(4).input(4).check();
        GradientChecker.of("MatMul").input(2, 3, 4).input(4, 5).symbolic().check();
    }

    @Test
    void gemm() {
        for (int ta = 0; ta < 2; ta++) {
            for (int tb = 0; tb < 2; tb++) {
                long fa = ta;
                long fb = tb;
                GradientChecker.of("Gemm").input(ta == 0 ? new long[] {3, 4} : new long[] {4, 3})
                        .input(tb == 0 ? new long[] {4, 5} : new long[] {5, 4}).input(5)
                        .attrs(b -> b.attr("transA", fa).attr("transB", fb).attr("alpha", 0.7f).attr("beta", 1.3f)).check();
            }
        }
        GradientChecker.of("Gemm").input(3, 4).input(4, 5).input(3, 1).check();
        GradientChecker.of("Gemm").input(3, 4).input(4, 5).check();
    }

    @Test
    void einsum() {
        GradientChecker.of("Einsum").input(3, 4).input(4, 5).attrs(b -> b.attr("equation", "ij,jk->ik")).label("Einsum").check();
        GradientChecker.of("Einsum").input(2, 3, 4).input(2, 4, 5).attrs(b -> b.attr("equation", "bij, bjk -> bki")).label("Einsum").check();
        GradientChecker.of("Einsum").input(3, 4).input(4, 5).attrs(b -> b.attr("equation", "ij,jk")).label("Einsum").check();
        GradientChecker.of("Einsum").input(3, 4).attrs(b -> b.attr("equation", "ij->j")).label("Einsum").check();
        GradientChecker.of("Einsum").input(3, 4).input(5).attrs(b -> b.attr("equation", "ij,k->jk")).label("Einsum").check();
        GradientChecker.of("Einsum").input(2, 3, 4).input(1, 4, 5).attrs(b -> b.attr("equation", "...ij,...jk->...ik")).label("Einsum").check();
    }
}
