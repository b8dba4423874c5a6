package dev.kiln.runtime.conformance;

import dev.kiln.api.Experimental;
import java.util.List;

/**
 * What the kit found for one backend: a report per op, in the kit's order. Immutable.
 *
 * @param backendId the candidate backend
 * @param ops       one report per op the kit covers (generated cases), then one per node-suite test folder run
 */
@Experimental
public record ConformanceReport(String backendId, List<OpReport> ops) {
    public ConformanceReport {
        ops = List.copyOf(ops);
    }

    public List<OpReport> with(OpReport.Status status) {
        return ops.stream().filter(o -> o.status() == status).toList();
    }

    /** True when no op failed (unsupported ops do not count against a backend). */
    public boolean passed() {
        return with(OpReport.Status.FAILED).isEmpty();
    }

    public int cases() {
        return ops.stream().mapToInt(OpReport::cases).sum();
    }

    /** {@code example: 18 ops passed, 0 failed, 22 unsupported; 1234 cases}. */
    public String summary() {
        return backendId + ": " + with(OpReport.Status.PASSED).size() + " ops passed, " + with(OpReport.Status.FAILED).size() + " failed, "
                + with(OpReport.Status.UNSUPPORTED).size() + " unsupported; " + cases() + " cases";
    }

    /** Every op's line, then the summary. */
    public String format() {
        StringBuilder b = new StringBuilder();
        ops.forEach(o -> b.append(o.line()).append('\n'));
        return b.append(summary()).append('\n').toString();
    }
}
