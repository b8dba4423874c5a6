package dev.kiln.backend.cpu.kernels.vision;

import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/**
 * Registers the vision and geometry kernels: GridSample, AffineGrid, NonMaxSuppression, CenterCropPad, Col2Im and
 * LpNormalization.
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
    }
}
