package dev.kiln.runtime.passes;

import dev.kiln.api.ir.ValueType;
import dev.kiln.api.schema.InferenceContext;
import dev.kiln.api.schema.OpSchema;
import dev.kiln.api.schema.OpSchemaProvider;
import dev.kiln.api.schema.OpSchemas;
import java.util.Collections;
import java.util.List;

/**
 * Schemas with type inference for the ops the fusion passes create ({@link FusedOps}), so that the types
 * of their outputs are known after optimization. Backends claim nodes by input type: without these, every
 * node downstream of a fused op had unknown input types, and a backend that checks types (the GPU) could
 * claim none of them. Each delegates to the inference of the ONNX op it generalises. Stateless.
 */
public final class FusedOpSchemas implements OpSchemaProvider {
    @Override
    public List<OpSchema> schemas() {
        return List.of(
                OpSchema.builder(FusedOps.DOMAIN, FusedOps.FUSED_MATMUL, 1).inputs(2, 3).outputs(1, 1)
                        .inference(ctx -> like(ctx, "MatMul", 13)).build(),
                OpSchema.builder(FusedOps.DOMAIN, FusedOps.LAYER_NORMALIZATION, 1).inputs(2, 3).outputs(1, 3)
                        .inference(ctx -> like(ctx, "LayerNormalization", 17)).build(),
                // Y and Sum both have the type of X + Skip
                OpSchema.builder(FusedOps.DOMAIN, FusedOps.SKIP_LAYER_NORMALIZATION, 1).inputs(3, 4).outputs(1, 2)
                        .inference(ctx -> {
                            ValueType sum = like(ctx, "Add", 14).get(0);
                            return java.util.Arrays.asList(sum, sum);
                        }).build(),
                OpSchema.builder(FusedOps.DOMAIN, FusedOps.GELU, 1).inputs(1, 1).outputs(1, 1)
                        .inference(ctx -> like(ctx, "Gelu", 20)).build(),
                // the output has the queries' type and shape (heads stay packed in the last axis)
                OpSchema.builder(FusedOps.DOMAIN, FusedOps.MULTI_HEAD_ATTENTION, 1).inputs(3, 4).outputs(1, 1)
                        .inference(ctx -> Collections.singletonList(ctx.inputType(0))).build());
    }

    /** The inference of the ai.onnx op at {@code opset}, applied to this node's inputs; unknown if that op has none. */
    private static List<ValueType> like(InferenceContext ctx, String onnxOp, int opset) {
        OpSchema s = OpSchemas.lookup("", onnxOp, opset);
        if (s == null || s.inference() == null) {
            return Collections.singletonList(ctx.inputType(0));
        }
        return s.inference().infer(ctx);
    }
}
