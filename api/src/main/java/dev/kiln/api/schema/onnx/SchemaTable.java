package dev.kiln.api.schema.onnx;

import dev.kiln.api.ir.InvalidGraphException;
import dev.kiln.api.schema.OpSchema;
import dev.kiln.api.schema.ShapeInference;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the version history of ai.onnx ops for one family. Every since-version is registered so that
 * {@link dev.kiln.api.schema.OpSchemas#lookup} finds the schema in force at any opset and reports its
 * true since-version; the versions of one op share one inference function because the IR holds nodes
 * in their canonical (latest) form.
 */
final class SchemaTable {
    /** Upper arity bound of a variadic input or output list. */
    static final int VARIADIC = Integer.MAX_VALUE;

    private final List<OpSchema> schemas = new ArrayList<>();

    /** Registers {@code op} at each since-version with the same arity. */
    SchemaTable add(String op, int minIn, int maxIn, int minOut, int maxOut, ShapeInference fn, int... sinceVersions) {
        ShapeInference checked = typedErrors(fn);
        for (int v : sinceVersions) {
            schemas.add(OpSchema.builder("", op, v).inputs(minIn, maxIn).outputs(minOut, maxOut).inference(checked).build());
        }
        return this;
    }

    /** Attribute accessors report an attribute of the wrong kind as IllegalStateException; callers expect a graph error. */
    private static ShapeInference typedErrors(ShapeInference fn) {
        return ctx -> {
            try {
                return fn.infer(ctx);
            } catch (IllegalStateException e) {
                throw new InvalidGraphException(ctx.node().describe() + ": " + e.getMessage());
            }
        };
    }

    /** One input, one output. */
    SchemaTable unary(String op, ShapeInference fn, int... sinceVersions) {
        return add(op, 1, 1, 1, 1, fn, sinceVersions);
    }

    /** Two inputs, one output. */
    SchemaTable binary(String op, ShapeInference fn, int... sinceVersions) {
        return add(op, 2, 2, 1, 1, fn, sinceVersions);
    }

    List<OpSchema> build() {
        return List.copyOf(schemas);
    }
}
