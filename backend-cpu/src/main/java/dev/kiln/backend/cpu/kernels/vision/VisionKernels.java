package dev.kiln.backend.cpu.kernels.vision;

import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;
import dev.kiln.backend.cpu.kernels.tensor.Args;

/**
 * Registers the vision and geometry kernels: GridSample, AffineGrid, NonMaxSuppression, CenterCropPad, Col2Im,
 * LpNormalization, Det, MaxUnpool, RoiAlign, DeformConv, TensorScatter and ImageDecoder.
 */
public final class VisionKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        registry.add("", "GridSample", GridSampleKernel::new);
        registry.add("", "AffineGrid", (r, e) -> new AffineGridKernel(r.node().getInt("align_corners", 0) != 0));
        registry.add("", "NonMaxSuppression", (r, e) -> new NonMaxSuppressionKernel(r.node().getInt("center_point_box", 0) != 0));
        registry.add("", "CenterCropPad", (r, e) -> new CenterCropPadKernel(r.node().getInts("axes", null)));
        registry.add("", "Col2Im", (r, e) -> new Col2ImKernel(r));
        registry.add("", "LpNormalization", (r, e) -> new LpNormalizationKernel(r));
        registry.add("", "Det", (r, e) -> new DetKernel());
        registry.add("", "MaxUnpool", (r, e) -> new MaxUnpoolKernel(r));
        registry.add("", "RoiAlign", (r, e) -> new RoiAlignKernel(r));
        registry.add("", "DeformConv", DeformConvKernel::new);
        registry.add("", "ImageDecoder",
                (r, e) -> new ImageDecoderKernel(Args.choice(r, "pixel_format", "RGB", "RGB", "BGR", "Grayscale")));
        registry.add("", "TensorScatter",
                (r, e) -> new TensorScatterKernel(r.node().getInt("axis", -2), Args.choice(r, "mode", "linear", "linear", "circular").equals("circular")));
    }
}
