package dev.kiln.runtime.exec;

/**
 * Time spent in one op type on one backend while profiling was on.
 *
 * @param opType the op, with its domain when not the default one ({@code ai.onnx.ml::TreeEnsemble})
 * @param backendId the backend that ran it
 * @param calls kernel executions counted
 * @param nanos wall time inside those executions, summed
 */
public record OpTiming(String opType, String backendId, long calls, long nanos) {
    public double millis() {
        return nanos / 1e6;
    }
}
