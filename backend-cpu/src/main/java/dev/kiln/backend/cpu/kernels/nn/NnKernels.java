package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/**
 * Registers the neural-network kernels: convolutions, pooling, normalizations, softmax family, LRN and
 * Dropout.
 */
public final class NnKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        registry.add("", "Conv", ConvKernel::new);
        // the runtime's fusion pass makes these from Conv (+ Add) (+ activation) chains
        registry.add(dev.kiln.backend.cpu.kernels.linalg.LinalgKernels.FUSED_DOMAIN, FusedConvKernel.OP, FusedConvKernel::new);
        registry.add("", "ConvTranspose", ConvTransposeKernel::new);
        registry.add("", "MaxPool", MaxPoolKernel::new);
        registry.add("", "AveragePool", AveragePoolKernel::new);
        registry.add("", "LpPool", LpPoolKernel::new);
        registry.add("", "GlobalAveragePool", (r, e) -> new GlobalPoolKernel("GlobalAveragePool", GlobalPoolKernel.Mode.AVERAGE, 0, e));
        registry.add("", "GlobalMaxPool", (r, e) -> new GlobalPoolKernel("GlobalMaxPool", GlobalPoolKernel.Mode.MAX, 0, e));
        registry.add("", "GlobalLpPool",
                (r, e) -> new GlobalPoolKernel("GlobalLpPool", GlobalPoolKernel.Mode.LP, (int) r.node().getInt("p", 2), e));
        registry.add("", "BatchNormalization", BatchNormalizationKernel::new);
        registry.add("", "LayerNormalization", LayerNormalizationKernel::new);
        // the runtime's fusion pass rewrites decomposed layer norms into this, whatever the model's opset
        registry.add(dev.kiln.backend.cpu.kernels.linalg.LinalgKernels.FUSED_DOMAIN, "LayerNormalization", LayerNormalizationKernel::new);
        // ... and residual Adds feeding a layer norm into this
        registry.add(dev.kiln.backend.cpu.kernels.linalg.LinalgKernels.FUSED_DOMAIN, SkipLayerNormalizationKernel.OP, SkipLayerNormalizationKernel::new);
        registry.add("", "InstanceNormalization", InstanceNormalizationKernel::new);
        registry.add("", "GroupNormalization", GroupNormalizationKernel::new);
        registry.add("", "RMSNormalization", RmsNormalizationKernel::new);
        registry.add("", "MeanVarianceNormalization", (r, e) -> new MeanVarianceNormalizationKernel(r));
        registry.add("", "Softmax", (r, e) -> new SoftmaxKernel("Softmax", r.node().getInt("axis", -1), false, e));
        registry.add("", "LogSoftmax", (r, e) -> new SoftmaxKernel("LogSoftmax", r.node().getInt("axis", -1), true, e));
        registry.add("", "Hardmax", (r, e) -> new HardmaxKernel(r.node().getInt("axis", -1), e));
        registry.add("", "LRN", LrnKernel::new);
        registry.add("", "Dropout", (r, e) -> new DropoutKernel(r));
    }
}
