package dev.kiln.backend.cpu;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** All CPU kernel factories by domain and op type, filled once from every {@link CpuKernelFamily}. Thread-safe after construction. */
public final class CpuKernelRegistry {
    private static final CpuKernelRegistry DEFAULT = load();

    private final Map<String, Map<String, CpuKernelFactory>> byDomain = new TreeMap<>();

    private CpuKernelRegistry() {
    }

    /** The registry of every family on the class path. */
    public static CpuKernelRegistry defaultRegistry() {
        return DEFAULT;
    }

    private static CpuKernelRegistry load() {
        CpuKernelRegistry r = new CpuKernelRegistry();
        for (CpuKernelFamily f : ServiceLoader.load(CpuKernelFamily.class, CpuKernelRegistry.class.getClassLoader())) {
            f.register(r);
        }
        return r;
    }

    /** Registers the kernel for an op; {@code domain} "" is ai.onnx. A second registration for the same op is an error. */
    public void add(String domain, String opType, CpuKernelFactory factory) {
        Map<String, CpuKernelFactory> ops = byDomain.computeIfAbsent(domain, d -> new TreeMap<>());
        if (ops.putIfAbsent(opType, factory) != null) {
            throw new IllegalStateException("two CPU kernels registered for " + (domain.isEmpty() ? "ai.onnx" : domain) + "::" + opType);
        }
    }

    /** Registers one factory under ai.onnx for several op types. */
    public void addAll(CpuKernelFactory factory, String... opTypes) {
        for (String op : opTypes) {
            add("", op, factory);
        }
    }

    /** The factory for an op, or null. */
    public CpuKernelFactory find(String domain, String opType) {
        Map<String, CpuKernelFactory> ops = byDomain.get(domain == null || domain.equals("ai.onnx") ? "" : domain);
        return ops == null ? null : ops.get(opType);
    }

    /** Op types by domain, sorted, for documentation and diagnostics. */
    public Map<String, java.util.Set<String>> ops() {
        Map<String, java.util.Set<String>> out = new TreeMap<>();
        byDomain.forEach((d, ops) -> out.put(d, Collections.unmodifiableSet(ops.keySet())));
        return out;
    }
}
