package dev.kiln.backend.cpu.kernels.signal;

import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/** Registers the signal-processing kernels: DFT (opsets 17 and 20), STFT, the window generators and MelWeightMatrix. */
public final class SignalKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        registry.add("", "DFT", (r, e) -> new DftKernel());
        registry.add("", "STFT", (r, e) -> new StftKernel(r.node().getInt("onesided", 1) != 0));
        registry.add("", "HannWindow", (r, e) -> new WindowKernel(WindowKernel.Coefficients.HANN, r.node()));
        registry.add("", "HammingWindow", (r, e) -> new WindowKernel(WindowKernel.Coefficients.HAMMING, r.node()));
        registry.add("", "BlackmanWindow", (r, e) -> new WindowKernel(WindowKernel.Coefficients.BLACKMAN, r.node()));
        registry.add("", "MelWeightMatrix", (r, e) -> new MelWeightMatrixKernel(r.node()));
    }
}
