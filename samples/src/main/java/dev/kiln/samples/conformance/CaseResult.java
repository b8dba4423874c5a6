package dev.kiln.samples.conformance;

/**
 * The outcome of one conformance case.
 *
 * @param name   the case's folder name, e.g. {@code test_abs}
 * @param passed true when every data set matched
 * @param reason why it failed, one line; empty when it passed
 * @param millis wall time the case took
 */
public record CaseResult(String name, boolean passed, String reason, long millis) {
    public CaseResult {
        reason = reason == null ? "" : reason;
    }

    static CaseResult pass(String name, long millis) {
        return new CaseResult(name, true, "", millis);
    }

    static CaseResult fail(String name, String reason, long millis) {
        return new CaseResult(name, false, reason, millis);
    }

    /** {@code PASS name} or {@code FAIL name: reason}. */
    public String line() {
        return passed ? "PASS " + name : "FAIL " + name + ": " + reason;
    }
}
