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

    /**
     * {@code example: 19 ops passed, 0 failed, 16 unsupported; 198 cases}, then, when the node suite ran,
     * {@code ; node suite: 49 passed, 0 failed}.
     */
    public String summary() {
        List<OpReport> generated = ops.stream().filter(o -> !o.opType().startsWith(NODE_PREFIX)).toList();
        List<OpReport> suite = ops.stream().filter(o -> o.opType().startsWith(NODE_PREFIX)).toList();
        String s = backendId + ": " + count(generated, OpReport.Status.PASSED) + " ops passed, " + count(generated, OpReport.Status.FAILED) + " failed, "
                + count(generated, OpReport.Status.UNSUPPORTED) + " unsupported; " + generated.stream().mapToInt(OpReport::cases).sum() + " cases";
        return suite.isEmpty() ? s : s + "; node suite: " + count(suite, OpReport.Status.PASSED) + " passed, " + count(suite, OpReport.Status.FAILED) + " failed";
    }

    /** Reports of node-suite folders are named {@code node:<folder>}. */
    static final String NODE_PREFIX = "node:";

    private static long count(List<OpReport> reports, OpReport.Status status) {
        return reports.stream().filter(o -> o.status() == status).count();
    }

    /** Every op's line, then the summary. */
    public String format() {
        StringBuilder b = new StringBuilder();
        ops.forEach(o -> b.append(o.line()).append('\n'));
        return b.append(summary()).append('\n').toString();
    }
}
