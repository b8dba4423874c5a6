package dev.kiln.backend.cuda;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every CUDA kernel factory by domain and op type, filled once from each {@link CudaKernelFamily}.
 * Needs no GPU. Thread-safe after construction.
 */
public final class CudaKernelRegistry {
    private static final CudaKernelRegistry DEFAULT = load();

    private final Map<String, Map<String, CudaKernelFactory>> byDomain = new TreeMap<>();

    private CudaKernelRegistry() {
    }

    /** The registry of every family on the class path. */
    public static CudaKernelRegistry defaultRegistry() {
        return DEFAULT;
    }

    private static CudaKernelRegistry load() {
        CudaKernelRegistry r = new CudaKernelRegistry();
        for (CudaKernelFamily f : ServiceLoader.load(CudaKernelFamily.class, CudaKernelRegistry.class.getClassLoader())) {
            f.register(r);
        }
        return r;
    }

    /** Registers the kernel of an op; {@code domain} "" is ai.onnx. A second registration for one op is an error. */
    public void add(String domain, String opType, CudaKernelFactory factory) {
        Map<String, CudaKernelFactory> ops = byDomain.computeIfAbsent(normalize(domain), d -> new TreeMap<>());
        if (ops.putIfAbsent(opType, factory) != null) {
            throw new IllegalStateException("two CUDA kernels registered for " + (domain.isEmpty() ? "ai.onnx" : domain) + "::" + opType);
        }
    }

    /** The factory of an op, or null. */
    public CudaKernelFactory find(String domain, String opType) {
        Map<String, CudaKernelFactory> ops = byDomain.get(normalize(domain));
        return ops == null ? null : ops.get(opType);
    }

    /** Op types by domain ("" for ai.onnx), sorted. */
    public Map<String, Set<String>> ops() {
        Map<String, Set<String>> out = new TreeMap<>();
        byDomain.forEach((d, ops) -> out.put(d, Collections.unmodifiableSet(ops.keySet())));
        return out;
    }

    private static String normalize(String domain) {
        return domain == null || domain.equals("ai.onnx") ? "" : domain;
    }
}
