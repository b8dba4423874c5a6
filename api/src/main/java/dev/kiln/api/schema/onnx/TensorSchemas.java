package dev.kiln.api.schema.onnx;

import static dev.kiln.api.schema.onnx.SchemaTable.VARIADIC;

import dev.kiln.api.schema.OpSchema;
import dev.kiln.api.schema.OpSchemaProvider;
import java.util.List;

/**
 * ai.onnx tensor and shape ops: Shape, Size, Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Concat,
 * Slice, Split, Gather, GatherElements, Expand, Tile, Pad, Cast, CastLike, Constant, ConstantOfShape,
 * Range, OneHot and NonZero. Where an older version took an input as an attribute, its arity differs and
 * the inference reads the attribute too.
 */
public final class TensorSchemas implements OpSchemaProvider {

    @Override
    public List<OpSchema> schemas() {
        SchemaTable t = new SchemaTable();
        t.unary("Shape", GeneratorInference::shapeOp, 1, 13, 15, 19, 21, 23, 24, 25)
                .unary("Size", GeneratorInference::size, 1, 13, 19, 21, 23, 24, 25)
                .unary("Cast", GeneratorInference::cast, 1, 6, 9, 13, 19, 21, 23, 24, 25)
                .binary("CastLike", GeneratorInference::castLike, 15, 19, 21, 23, 24, 25)
                .add("Constant", 0, 0, 1, 1, GeneratorInference::constant, 1, 9, 11, 12, 13, 19, 21, 23, 24, 25)
                .unary("ConstantOfShape", GeneratorInference::constantOfShape, 9, 20, 21, 23, 24, 25)
                .add("Range", 3, 3, 1, 1, GeneratorInference::range, 11, 27)
                .add("OneHot", 3, 3, 1, 1, GeneratorInference::oneHot, 9, 11)
                .unary("NonZero", GeneratorInference::nonZero, 9, 13);
        t.unary("Reshape", ReshapeInference::reshape, 1).binary("Reshape", ReshapeInference::reshape, 5, 13, 14, 19, 21, 23, 24, 25)
                .unary("Flatten", ReshapeInference::flatten, 1, 9, 11, 13, 21, 23, 24, 25)
                .unary("Transpose", ReshapeInference::transpose, 1, 13, 21, 23, 24, 25)
                .unary("Squeeze", ReshapeInference::squeeze, 1, 11).add("Squeeze", 1, 2, 1, 1, ReshapeInference::squeeze, 13, 21, 23, 24, 25)
                .unary("Unsqueeze", ReshapeInference::unsqueeze, 1, 11).binary("Unsqueeze", ReshapeInference::unsqueeze, 13, 21, 23, 24, 25)
                .binary("Expand", ReshapeInference::expand, 8, 13)
                .add("Tile", 3, 3, 1, 1, ReshapeInference::tile, 1).binary("Tile", ReshapeInference::tile, 6, 13);
        t.add("Concat", 1, VARIADIC, 1, 1, IndexingInference::concat, 1, 4, 11, 13)
                .unary("Slice", IndexingInference::slice, 1).add("Slice", 3, 5, 1, 1, IndexingInference::slice, 10, 11, 13)
                .add("Split", 1, 2, 1, VARIADIC, IndexingInference::split, 1).add("Split", 1, 1, 1, VARIADIC, IndexingInference::split, 2, 11)
                .add("Split", 1, 2, 1, VARIADIC, IndexingInference::split, 13, 18)
                .add("Pad", 1, 1, 1, 1, IndexingInference::pad, 1, 2).add("Pad", 2, 3, 1, 1, IndexingInference::pad, 11, 13)
                .add("Pad", 2, 4, 1, 1, IndexingInference::pad, 18, 19, 21, 23, 24, 25)
                .binary("Gather", IndexingInference::gather, 1, 11, 13)
                .binary("GatherElements", IndexingInference::gatherElements, 11, 13);
        return t.build();
    }
}
