package dev.kiln.backend.cpu.kernels.string;

import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/** Registers the string kernels: concatenation, splitting, normalization, regex matching and n-gram vectorizing. */
public final class StringKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        registry.add("", "StringConcat", (request, execution) -> new StringConcatKernel());
        registry.add("", "StringSplit", (request, execution) -> new StringSplitKernel(request));
        registry.add("", "StringNormalizer", (request, execution) -> new StringNormalizerKernel(request));
        registry.add("", "RegexFullMatch", (request, execution) -> new RegexFullMatchKernel(request));
        registry.add("", "TfIdfVectorizer", (request, execution) -> new TfIdfVectorizerKernel(request));
    }
}
