package dev.kiln.backend.cuda.kernels.math;

/**
 * The float32 unary ops of elementwise.cu, one row per op: the ONNX op type, the domain ("" for ai.onnx)
 * and the op code the kernel switches on (the U_ constants of the source).
 */
enum CudaUnaryOp {
    NEG("Neg", 0),
    ABS("Abs", 1),
    SQRT("Sqrt", 2),
    EXP("Exp", 3),
    LOG("Log", 4),
    TANH("Tanh", 5),
    ERF("Erf", 6),
    RELU("Relu", 7),
    SIGMOID("Sigmoid", 8),
    RECIPROCAL("Reciprocal", 9),
    SIGN("Sign", 10),
    SIN("Sin", 11),
    COS("Cos", 12),
    GELU("Gelu", 13),
    LEAKY_RELU("LeakyRelu", 14),
    SOFTPLUS("Softplus", 15),
    IDENTITY("Identity", 16);

    /** The code of tanh-approximated GELU (U_GELU_TANH), chosen by Gelu's attribute approximate = "tanh". */
    static final int GELU_TANH = 17;

    final String opType;
    final int code;

    CudaUnaryOp(String opType, int code) {
        this.opType = opType;
        this.code = code;
    }
}
