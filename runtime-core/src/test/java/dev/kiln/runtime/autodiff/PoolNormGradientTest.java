package dev.kiln.runtime.autodiff;

import dev.kiln.api.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Pooling, normalizations, Where, Dropout and CumSum against finite differences. */
class PoolNormGradientTest {
    @Test
    void maxPool() {
        GradientChecker.of("MaxPool").input(2, 2, 5, 5).attrs(b -> b.attr("kernel_shape", 2L, 2L)).label("MaxPool").check();
        GradientChecker.of("MaxPool").input(1, 2, 6, 5).attrs(b -> b.attr("kernel_shape", 3L, 2L).attr("strides", 2L, 1L)
                .attr("pads", 1L, 0L, 1L, 1L).attr("dilations", 1L, 2L)).label("MaxPool strides pads dilations").check();
        GradientChecker.of("MaxPool").input(1, 2, 7).attrs(b -> b.attr("kernel_shape", new long[] {3L}).attr("strides", new long[] {2L})).outputs(2)
                .label("MaxPool 1d with Indices").check();
    }

    @Test
    void averagePool() {
        GradientChecker.of("AveragePool").input(2, 2, 5, 5).attrs(b -> b.attr("kernel_shape", 2L, 2L)).label("AveragePool").check();
        GradientChecker.of("AveragePool").input(1, 2, 6, 5).attrs(b -> b.attr("kernel_shape", 3L, 2L).attr("strides", 2L, 1L)
                .attr("pads", 1L, 0L, 1L, 1L)).label("AveragePool pads").check();
        GradientChecker.of("AveragePool").input(1, 2, 6, 5).attrs(b -> b.attr("kernel_shape", 3L, 3L).attr("strides", 2L, 2L)
                .attr("pads", 1L, 1L, 1L, 1L).attr("count_include_pad", 1L)).label("AveragePool count_include_pad").check();
        GradientChecker.of("AveragePool").input(1, 3, 7).attrs(b -> b.attr("kernel_shape", new long[] {2L}).attr("strides", new long[] {2L})).label("AveragePool 1d").check();
        GradientChecker.of("GlobalAveragePool").input(2, 3, 4, 2).check();
        GradientChecker.of("GlobalMaxPool").input(2, 3, 4, 2).check();
    }

    @Test
    void normalizations() {
        GradientChecker.of("LayerNormalization").input(2, 3, 4).input(4).input(4).check();
        GradientChecker.of("LayerNormalization").input(2, 3, 4).input(3, 4).input(4).attrs(b -> b.attr("axis", 1L).attr("epsilon", 1e-3f))
                .label("LayerNormalization axis 1").check();
        GradientChecker.of("InstanceNormalization").input(2, 3, 4, 2).input(3).input(3).check();
        GradientChecker.of("BatchNormalization").input(4, 3, 2, 2).input(3).input(3).input(3).input(0.5, 2, 3)
                .attrs(b -> b.attr("training_mode", 1L)).label("BatchNormalization training").check();
        GradientChecker.of("BatchNormalization").input(4, 3).input(3).input(3).input(3).input(0.5, 2, 3)
                .attrs(b -> b.attr("training_mode", 1L)).label("BatchNormalization training 2d").check();
        GradientChecker.of("BatchNormalization").input(2, 3, 2, 2).input(3).input(3).input(3).input(0.5, 2, 3)
                .label("BatchNormalization inference").check();
    }

    @Test
    void whereDropoutCumSum() {
        GradientChecker.of("Where").constant(Tensor.of(new boolean[] {true, false, false, true, true, false}, 2, 3)).input(2, 3).input(3).check();
        GradientChecker.of("Dropout").input(3, 4).check();
        GradientChecker.of("CumSum").input(3, 4).constant(Tensor.scalar(1L)).check();
        GradientChecker.of("CumSum").input(3, 4).constant(Tensor.scalar(0L)).attrs(b -> b.attr("exclusive", 1L).attr("reverse", 1L))
                .label("CumSum exclusive reverse").check();
    }

    @Test
    void resize() {
        Tensor scales = Tensor.of(new float[] {1, 1, 2, 1.5f}, 4);
        for (String mode : new String[] {"nearest", "linear", "cubic"}) {
            GradientChecker.of("Resize").input(2, 2, 3, 4).absent().constant(scales).attrs(b -> b.attr("mode", mode)).label("Resize " + mode).check();
            GradientChecker.of("Resize").input(1, 2, 5, 4).absent().absent().constant(Tensor.of(new long[] {1, 2, 3, 7}, 4))
                    .attrs(b -> b.attr("mode", mode).attr("coordinate_transformation_mode", "align_corners")).label("Resize " + mode).check();
        }
    }
}
