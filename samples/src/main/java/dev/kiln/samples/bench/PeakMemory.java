package dev.kiln.samples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The resident memory of this process as Linux reports it in {@code /proc/self/status}: the current
 * resident set and its high-water mark, which {@link #resetPeak()} restarts from the current size so that a
 * peak can be measured over one phase (inference) rather than since start-up. Empty on systems without
 * procfs. Stateless; safe from any thread.
 */
public final class PeakMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private PeakMemory() {
    }

    /** Current resident set size in bytes (VmRSS). */
    public static Optional<Long> resident() {
        return field("VmRSS:");
    }

    /** Peak resident set size in bytes since start or the last {@link #resetPeak()} (VmHWM). */
    public static Optional<Long> peak() {
        return field("VmHWM:");
    }

    /** Restarts the high-water mark at the current resident size; false when the system does not allow it. */
    public static boolean resetPeak() {
        try {
            // "5" resets the peak RSS counter (Linux 4.0 and later; see proc(5), clear_refs)
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    private static Optional<Long> field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Optional.of(Long.parseLong(parts[0]) * 1024);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
