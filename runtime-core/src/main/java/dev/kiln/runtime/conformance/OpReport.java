package dev.kiln.runtime.conformance;

import dev.kiln.api.Experimental;
import dev.kiln.api.tensor.DType;
import java.util.List;

/**
 * The kit's verdict on one op.
 *
 * @param opType     the op (ai.onnx domain)
 * @param status     passed, failed, or unsupported (the candidate claims it for no element type the kit tries)
 * @param types      the element types the candidate claims and the kit ran
 * @param cases      cases run and compared
 * @param skipped    cases not run: attribute variants the candidate does not claim, or cases the reference rejects
 * @param failedCase the first failing case; empty unless failed
 * @param detail     what differed in it (the element, both values, the tolerance) or the error the candidate threw
 */
@Experimental
public record OpReport(String opType, Status status, List<DType> types, int cases, int skipped, String failedCase, String detail) {
    public enum Status { PASSED, FAILED, UNSUPPORTED }

    public OpReport {
        types = List.copyOf(types);
        failedCase = failedCase == null ? "" : failedCase;
        detail = detail == null ? "" : detail;
    }

    /** One line: {@code PASS  MatMul  float32,float64  36 cases} or {@code FAIL  Relu  case 'Relu float32 [7]': ...}. */
    public String line() {
        String t = types.stream().map(DType::typeName).reduce((a, b) -> a + "," + b).orElse("-");
        return switch (status) {
            case PASSED -> String.format("PASS  %-16s %-32s %d cases%s", opType, t, cases, skipped > 0 ? ", " + skipped + " skipped" : "");
            case FAILED -> String.format("FAIL  %-16s %-32s case '%s': %s", opType, t, failedCase, detail);
            case UNSUPPORTED -> String.format("----  %-16s unsupported", opType);
        };
    }
}
