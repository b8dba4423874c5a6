package dev.kiln.runtime.autodiff;

import dev.kiln.api.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Gather, GatherElements, Slice, Tile and Pad (repeated picks must accumulate) against finite differences. */
class IndexingGradientTest {
    @Test
    void gatherAccumulatesRepeatedIndices() {
        GradientChecker.of("Gather").input(5, 3).constant(Tensor.of(new long[] {0, 2, 2, 4, -1, 1}, 2, 3)).check();
        GradientChecker.of("Gather").input(2, 5, 3).constant(Tensor.of(new long[] {3, 3, 0}, 3)).attrs(b -> b.attr("axis", 1L)).check();
        GradientChecker.of("Gather").input(5, 3).constant(Tensor.scalar(2L)).symbolic().check();
    }

    @Test
    void gatherElements() {
        GradientChecker.of("GatherElements").input(3, 4).constant(Tensor.of(new long[] {0, 1, 1, 3, 2, 2}, 3, 2))
                .attrs(b -> b.attr("axis", 1L)).check();
        GradientChecker.of("GatherElements").input(3, 2).constant(Tensor.of(new long[] {0, 2, 2, 2}, 2, 2)).check();
    }

    @Test
    void slice() {
        GradientChecker.of("Slice").input(4, 6).constant(Tensor.of(new long[] {1, 0}, 2)).constant(Tensor.of(new long[] {3, 5}, 2)).check();
        GradientChecker.of("Slice").input(4, 6).constant(Tensor.of(new long[] {-1, 1}, 2)).constant(Tensor.of(new long[] {0, 100}, 2))
                .constant(Tensor.of(new long[] {0, 1}, 2)).constant(Tensor.of(new long[] {-1, 2}, 2)).label("Slice steps").check();
        GradientChecker.of("Slice").input(4, 6).constant(Tensor.of(new long[] {1}, 1)).constant(Tensor.of(new long[] {4}, 1))
                .constant(Tensor.of(new long[] {1}, 1)).symbolic().check();
    }

    @Test
    void tile() {
        GradientChecker.of("Tile").input(2, 3).constant(Tensor.of(new long[] {2, 3}, 2)).check();
    }

    @Test
    void pad() {
        GradientChecker.of("Pad").input(3, 4).constant(Tensor.of(new long[] {1, 0, 2, -1}, 4)).check();
        for (String mode : new String[] {"reflect", "edge", "wrap"}) {
            GradientChecker.of("Pad").input(3, 4).constant(Tensor.of(new long[] {1, 2, 2, 1}, 4)).attrs(b -> b.attr("mode", mode))
                    .label("Pad " + mode).check();
        }
    }
}
