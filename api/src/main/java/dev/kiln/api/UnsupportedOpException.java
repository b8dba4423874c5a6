package dev.kiln.api;

/** No backend (or not the requested one) can run an operator; names the op, its domain and opset. */
public class UnsupportedOpException extends KilnException {
    private static final long serialVersionUID = 1L;
    private final String opType;
    private final String domain;
    private final int opsetVersion;

    public UnsupportedOpException(String opType, String domain, int opsetVersion, String detail) {
        super("unsupported operator " + (domain == null || domain.isEmpty() ? "ai.onnx" : domain) + "::" + opType
                + " (opset " + opsetVersion + ")" + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        this.opType = opType;
        this.domain = domain == null ? "" : domain;
        this.opsetVersion = opsetVersion;
    }

    public String opType() {
        return opType;
    }

    /** The operator's domain; the empty string is the default {@code ai.onnx} domain. */
    public String domain() {
        return domain;
    }

    public int opsetVersion() {
        return opsetVersion;
    }
}
