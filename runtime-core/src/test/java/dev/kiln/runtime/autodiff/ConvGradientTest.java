package dev.kiln.runtime.autodiff;

import org.junit.jupiter.api.Test;

/** Conv and ConvTranspose in 1-3 spatial dims with groups, strides, pads and dilations. */
class ConvGradientTest {
    @Test
    void conv2d() {
        GradientChecker.of("Conv").input(2, 3, 5, 5).input(4, 3, 3, 3).input(4).label("Conv 2d").check();
        GradientChecker.of("Conv").input(1, 4, 6, 5).input(6, 2, 3, 2).input(6)
                .attrs(b -> b.attr("group", 2L).attr("strides", 2L, 1L).attr("pads", 1L, 0L, 0L, 1L).attr("dilations", 1L, 2L))
                .label("Conv 2d groups strides pads dilations").check();
        GradientChecker.of("Conv").input(1, 3, 7, 6).input(3, 1, 3, 3).attrs(b -> b.attr("group", 3L).attr("strides", 2L, 2L))
                .label("Conv 2d depthwise, stride leaving rows unused").check();
        GradientChecker.of("Conv").input(1, 2, 5, 5).input(2, 2, 3, 3).attrs(b -> b.attr("auto_pad", "SAME_UPPER").attr("strides", 2L, 2L))
                .label("Conv 2d SAME_UPPER").check();
        GradientChecker.of("Conv").input(2, 3, 5, 5).input(4, 3, 3, 3).input(4).symbolic().check();
    }

    @Test
    void conv1dAnd3d() {
        GradientChecker.of("Conv").input(2, 2, 7).input(3, 2, 3).input(3).attrs(b -> b.attr("strides", new long[] {2L}).attr("pads", 1L, 1L))
                .label("Conv 1d").check();
        GradientChecker.of("Conv").input(1, 2, 4, 3, 4).input(2, 1, 2, 2, 2).attrs(b -> b.attr("group", 2L).attr("pads", 1L, 0L, 1L, 0L, 1L, 0L))
                .label("Conv 3d").check();
    }

    @Test
    void convTranspose() {
        GradientChecker.of("ConvTranspose").input(2, 3, 4, 4).input(3, 2, 3, 3).input(2).label("ConvTranspose 2d").check();
        GradientChecker.of("ConvTranspose").input(1, 4, 3, 4).input(4, 1, 3, 2).input(2)
                .attrs(b -> b.attr("group", 2L).attr("strides", 2L, 2L).attr("pads", 1L, 0L, 0L, 1L).attr("output_padding", 1L, 0L)
                        .attr("dilations", 1L, 2L))
                .label("ConvTranspose 2d groups strides pads output_padding").check();
        GradientChecker.of("ConvTranspose").input(1, 2, 5).input(2, 3, 3).attrs(b -> b.attr("strides", new long[] {3L})).label("ConvTranspose 1d").check();
    }
}
