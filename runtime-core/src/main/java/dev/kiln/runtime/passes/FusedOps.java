package dev.kiln.runtime.passes;

/**
 * The ops Kiln's fusion passes create, in their own domain so they never collide with an ONNX op of a
 * model's opset. They exist only inside a session; exported models never contain them.
 */
public final class FusedOps {
    /** The domain of fused ops, imported at version 1 by an optimized model. */
    public static final String DOMAIN = "dev.kiln";
    /** {@code FusedMatMul(A, B, bias?)} with attribute {@code activation} (an ONNX activation op name or ""). */
    public static final String FUSED_MATMUL = "FusedMatMul";
    /**
     * {@code FusedConv(X, W, B?, Z?)}: Conv (its attributes), plus Z (a residual of the Conv output's shape, or one
     * broadcasting with it as Add does), then attribute {@code activation} (an ONNX activation op name or "").
     */
    public static final String FUSED_CONV = "FusedConv";
    /** LayerNormalization with the semantics of ONNX opset 17 (axis, epsilon). */
    public static final String LAYER_NORMALIZATION = "LayerNormalization";
    /**
     * {@code SkipLayerNormalization(X, Skip, Scale, B?) -> (Y, Sum?)}: {@code Sum = X + Skip} (broadcasting as Add
     * does), {@code Y = LayerNormalization(Sum, Scale, B)} with attributes {@code axis} and {@code epsilon} as in
     * ONNX opset 17; float32.
     */
    public static final String SKIP_LAYER_NORMALIZATION = "SkipLayerNormalization";
    /** {@code MultiHeadAttention(q, k, v, mask?)} over heads packed in the last axis; attributes num_heads and scale. */
    public static final String MULTI_HEAD_ATTENTION = "MultiHeadAttention";
    /** Gelu with the semantics of ONNX opset 20 (approximate = "none"). */
    public static final String GELU = "Gelu";

    private FusedOps() {
    }
}
