package dev.kiln.api.schema.onnx;

import static dev.kiln.api.schema.onnx.InferenceSupport.axis;
import static dev.kiln.api.schema.onnx.InferenceSupport.checkUnidirectional;
import static dev.kiln.api.schema.onnx.InferenceSupport.dim;
import static dev.kiln.api.schema.onnx.InferenceSupport.elementType;
import static dev.kiln.api.schema.onnx.InferenceSupport.inputName;
import static dev.kiln.api.schema.onnx.InferenceSupport.invalid;
import static dev.kiln.api.schema.onnx.InferenceSupport.reduced;
import static dev.kiln.api.schema.onnx.InferenceSupport.result;
import static dev.kiln.api.schema.onnx.InferenceSupport.sameElementType;
import static dev.kiln.api.schema.onnx.InferenceSupport.shapeOf;
import static dev.kiln.api.schema.onnx.InferenceSupport.tensor;
import static dev.kiln.api.schema.onnx.InferenceSupport.tensorInput;

import dev.kiln.api.ir.ValueType;
import dev.kiln.api.schema.InferenceContext;
import dev.kiln.api.schema.OpSchema;
import dev.kiln.api.schema.OpSchemaProvider;
import dev.kiln.api.schema.ShapeInference;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * ai.onnx neural-network ops: Conv, ConvTranspose, the pools, Batch/Layer/Instance normalization and
 * Dropout.
 */
public final class NnSchemas implements OpSchemaProvider {

    @Override
    public List<OpSchema> schemas() {
        ShapeInference pool = ConvPoolInference.pool();
        SchemaTable t = new SchemaTable();
        t.add("Conv", 2, 3, 1, 1, ConvPoolInference::conv, 1, 11, 22)
                .add("ConvTranspose", 2, 3, 1, 1, ConvPoolInference::convTranspose, 1, 11, 22);
        t.unary("MaxPool", pool, 1).add("MaxPool", 1, 1, 1, 2, pool, 8, 10, 11, 12, 22)
                .unary("AveragePool", pool, 1, 7, 10, 11, 19, 22).unary("LpPool", pool, 1, 2, 11, 18, 22)
                .unary("GlobalAveragePool", ConvPoolInference::globalPool, 1, 22)
                .unary("GlobalMaxPool", ConvPoolInference::globalPool, 1, 22);
        t.add("BatchNormalization", 5, 5, 1, 5, NnSchemas::batchNorm, 1, 6, 7, 9)
                .add("BatchNormalization", 5, 5, 1, 3, NnSchemas::batchNorm, 14, 15)
                .add("LayerNormalization", 2, 3, 1, 3, NnSchemas::layerNorm, 17)
                .add("InstanceNormalization", 3, 3, 1, 1, NnSchemas::instanceNorm, 1, 6, 22);
        t.add("Dropout", 1, 1, 1, 2, NnSchemas::dropout, 1, 6, 7, 10).add("Dropout", 1, 3, 1, 2, NnSchemas::dropout, 12, 13, 22);
        return t.build();
    }

    /** Y is shaped like X; the running (and, before opset 14, saved) statistics are per channel. */
    private static List<ValueType> batchNorm(InferenceContext ctx) {
        Shape x = shapeOf(ctx, 0);
        Object channels = x == null ? null : x.rank() >= 2 ? dim(x, 1) : (Object) 1L;
        // opset 9 dropped the non-spatial mode, so from there every parameter is one value per channel
        for (int i = 1; i <= 4 && ctx.opsetVersion() >= 9; i++) {
            checkPerChannel(ctx, i, channels);
        }
        Shape mean = shapeOf(ctx, 3);
        Object c = channels != null ? channels : mean != null && mean.rank() == 1 ? dim(mean, 0) : null;
        ValueType stats = ctx.opsetVersion() < 9 ? tensorInput(ctx, 3) : tensor(elementType(ctx, 3), Shape.symbolic(c));
        return result(ctx, tensor(elementType(ctx, 0), x), stats, stats, stats, stats);
    }

    /** Y is shaped like X; Mean and InvStdDev keep the leading axes and collapse the normalized ones to 1. */
    private static List<ValueType> layerNorm(InferenceContext ctx) {
        DType type = sameElementType(ctx, 0, 1, 2);
        Shape x = shapeOf(ctx, 0);
        checkUnidirectional(ctx, x, inputName(ctx, 0), shapeOf(ctx, 1), inputName(ctx, 1));
        checkUnidirectional(ctx, x, inputName(ctx, 0), shapeOf(ctx, 2), inputName(ctx, 2));
        long stash = ctx.node().getInt("stash_type", 1);
        DType statType;
        try {
            statType = DType.fromCode(Math.toIntExact(stash));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw invalid(ctx, "attribute 'stash_type' is " + stash + ", not an element type code");
        }
        Shape stats = null;
        if (x != null) {
            int axis = axis(ctx, ctx.node().getInt("axis", -1), x.rank(), "attribute 'axis'");
            boolean[] normalized = new boolean[x.rank()];
            Arrays.fill(normalized, axis, x.rank(), true);
            stats = reduced(x, normalized, true);
        }
        ValueType statsType = tensor(statType, stats);
        return result(ctx, tensor(type, x), statsType, statsType);
    }

    private static List<ValueType> instanceNorm(InferenceContext ctx) {
        Shape x = shapeOf(ctx, 0);
        if (x != null && x.rank() < 2) {
            throw invalid(ctx, inputName(ctx, 0) + ": expected rank >= 2 (N, C, ...), got " + x);
        }
        Object channels = x == null ? null : dim(x, 1);
        checkPerChannel(ctx, 1, channels);
        checkPerChannel(ctx, 2, channels);
        return result(ctx, tensor(sameElementType(ctx, 0, 1, 2), x));
    }

    /** The output is shaped like the data; the mask is bool from opset 10 and had the data's type before. */
    private static List<ValueType> dropout(InferenceContext ctx) {
        Shape x = shapeOf(ctx, 0);
        DType type = elementType(ctx, 0);
        return result(ctx, tensor(type, x), tensor(ctx.opsetVersion() >= 10 ? DType.BOOL : type, x));
    }

    private static void checkPerChannel(InferenceContext ctx, int i, Object channels) {
        Shape s = shapeOf(ctx, i);
        if (s != null && (s.rank() != 1 || (channels instanceof Long c && s.isKnown(0) && s.dim(0) != c))) {
            throw invalid(ctx, inputName(ctx, i) + ": expected shape [" + (channels == null ? "C" : channels) + "] (one value per channel), got " + s);
        }
    }
}
