package dev.kiln.backend.cpu.simd;

import java.util.Locale;

/**
 * Whether the CPU backend's explicit-SIMD kernels (written with the JDK's incubating Vector API,
 * {@code jdk.incubator.vector}) may run in this JVM, and why not when they may not.
 *
 * <p>The Vector API is not resolved by default on JDK 17 to 25: the JVM must be started with
 * {@code --add-modules jdk.incubator.vector}. Without it every kernel keeps its plain-Java or OpenBLAS path, with
 * the same results to within float rounding; with it, kernels that have a SIMD form use it where it is faster.
 * System property {@code kiln.simd=off} turns the SIMD kernels off even when the module is present (to compare
 * the two, or to rule them out).
 *
 * <p>Kernels must test {@link #enabled()} before touching a class of this package that refers to
 * {@code jdk.incubator.vector}, so those classes are never loaded in a JVM without the module.
 */
public final class Simd {
    /** The JVM option that makes the SIMD kernels available. */
    public static final String JVM_OPTION = "--add-modules jdk.incubator.vector";
    /** Narrowest vector (in bits) worth using; below it the plain-Java loops C2 vectorizes are as fast. */
    private static final int MIN_BITS = 256;

    private static final String DISABLED_REASON = probe();
    private static final boolean ENABLED = DISABLED_REASON == null;

    private Simd() {
    }

    /** True when the SIMD kernels run in this JVM. */
    public static boolean enabled() {
        return ENABLED;
    }

    /** Why the SIMD kernels are off, or null when they are on. */
    public static String disabledReason() {
        return DISABLED_REASON;
    }

    /** One line for logs and benchmark reports, e.g. {@code "on (512-bit float vectors)"}. */
    public static String describe() {
        return ENABLED ? "on (" + SimdShape.floatBits() + "-bit float vectors)" : "off: " + DISABLED_REASON;
    }

    private static String probe() {
        String setting = System.getProperty("kiln.simd", "auto").trim().toLowerCase(Locale.ROOT);
        if (setting.equals("off") || setting.equals("false")) {
            return "turned off by -Dkiln.simd=" + setting;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "the JVM was started without " + JVM_OPTION;
        }
        int bits;
        try {
            bits = SimdShape.floatBits();
        } catch (LinkageError e) {
            return "the Vector API could not be loaded: " + e;
        }
        if (bits < MIN_BITS) {
            return "this CPU's float vectors are " + bits + "-bit; the SIMD kernels need " + MIN_BITS;
        }
        return null;
    }
}
