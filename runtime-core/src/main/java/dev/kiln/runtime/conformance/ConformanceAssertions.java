package dev.kiln.runtime.conformance;

import dev.kiln.api.Experimental;

/**
 * Turns a report into a test verdict without depending on a test framework: JUnit, TestNG and plain
 * {@code assert}-style harnesses all report an {@link AssertionError} as a failure.
 */
@Experimental
public final class ConformanceAssertions {
    private ConformanceAssertions() {
    }

    /** Throws an {@link AssertionError} listing every failed op with its first failing case. */
    public static void assertConforms(ConformanceReport report) {
        if (!report.passed()) {
            StringBuilder b = new StringBuilder("backend '" + report.backendId() + "' fails the conformance kit:");
            report.with(OpReport.Status.FAILED).forEach(o -> b.append("\n  ").append(o.line()));
            throw new AssertionError(b.append("\n").append(report.summary()).toString());
        }
    }

    /** Like {@link #assertConforms}, and also requires each named op to have passed (not be unsupported). */
    public static void assertConforms(ConformanceReport report, String... requiredOps) {
        assertConforms(report);
        for (String op : requiredOps) {
            boolean passed = report.ops().stream().anyMatch(o -> o.opType().equals(op) && o.status() == OpReport.Status.PASSED);
            if (!passed) {
                throw new AssertionError("backend '" + report.backendId() + "' did not pass op " + op + ": " + report.summary());
            }
        }
    }
}
