package dev.kiln.backend.cpu.kernels.training;

import dev.kiln.api.ir.Model;
import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/**
 * Registers the optimizer kernels: Adam, Adagrad and Momentum of ai.onnx.preview.training, and AdamW and
 * SGD of Kiln's dev.kiln.training domain. ONNX's Gradient op of the same domain has no kernel: it is a
 * graph construct that autodiff expands into ordinary nodes before anything runs.
 */
public final class TrainingKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        registry.add(Model.TRAINING_DOMAIN, "Adam", (r, e) -> new AdamKernel(r, e));
        registry.add(Model.TRAINING_DOMAIN, "Adagrad", (r, e) -> new AdagradKernel(r, e));
        registry.add(Model.TRAINING_DOMAIN, "Momentum", (r, e) -> new MomentumKernel(r, e));
        registry.add(AdamWKernel.DOMAIN, "AdamW", (r, e) -> new AdamWKernel(r, e));
        registry.add(AdamWKernel.DOMAIN, "SGD", (r, e) -> new SgdKernel(r, e));
    }
}
