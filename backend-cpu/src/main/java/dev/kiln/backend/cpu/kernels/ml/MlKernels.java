package dev.kiln.backend.cpu.kernels.ml;

import dev.kiln.api.ir.Model;
import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/** Registers the ai.onnx.ml kernels: LabelEncoder, TreeEnsemble, Binarizer and ArrayFeatureExtractor. */
public final class MlKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        registry.add(Model.ML_DOMAIN, "LabelEncoder", (request, execution) -> new LabelEncoderKernel(request));
        registry.add(Model.ML_DOMAIN, "TreeEnsemble", (request, execution) -> new TreeEnsembleKernel(request));
        registry.add(Model.ML_DOMAIN, "Binarizer", (request, execution) -> new BinarizerKernel(request));
        registry.add(Model.ML_DOMAIN, "ArrayFeatureExtractor", (request, execution) -> new ArrayFeatureExtractorKernel());
    }
}
