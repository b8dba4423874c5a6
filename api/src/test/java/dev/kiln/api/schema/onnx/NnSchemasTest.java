package dev.kiln.api.schema.onnx;

import static dev.kiln.api.schema.onnx.Infer.dims;
import static dev.kiln.api.schema.onnx.Infer.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.InvalidGraphException;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.ir.ValueType.TensorType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class NnSchemasTest {
    private static final DType F = DType.FLOAT;

    @Test
    void convWithPadsStridesAndDilations() {
        // ResNet stem: (224 + 3 + 3 - 7) / 2 + 1 = 112
        assertEquals(Shape.of(1, 64, 112, 112), op("Conv").in(F, 1, 3, 224, 224).in(F, 64, 3, 7, 7)
                .attr("strides", 2, 2).attr("pads", 3, 3, 3, 3).shape());
        // dilation 2 makes a 3x3 kernel span 5: 10 - 5 + 1 = 6
        assertEquals(Shape.of(1, 2, 6, 6), op("Conv").in(F, 1, 1, 10, 10).in(F, 2, 1, 3, 3).attr("dilations", 2, 2).shape());
        // asymmetric: H (7 + 1 + 1 - 3) / 2 + 1 = 4, W (5 - 3) / 1 + 1 = 3
        assertEquals(Shape.of(1, 1, 4, 3), op("Conv").in(F, 1, 1, 7, 5).in(F, 1, 1, 3, 3)
                .attr("strides", 2, 1).attr("pads", 1, 0, 1, 0).shape());
        // 1-D convolution with a bias and the kernel given as an attribute
        assertEquals(Shape.of(4, 8, 9), op("Conv").in(F, 4, 2, 11).in(F, 8, 2, 3).in(F, 8).attr("kernel_shape", new long[] {3}).shape());
    }

    @Test
    void convKeepsBatchSymbolAndHandlesAutoPad() {
        assertEquals(dims("N", 16, 32, 32), op("Conv").in(F, "N", 3, 32, 32).in(F, 16, 3, 3, 3).attr("pads", 1, 1, 1, 1).shape());
        assertEquals(dims(1, 8, null, 8), op("Conv").in(F, 1, 3, "h", 15).in(F, 8, 3, 3, 3)
                .attr("strides", 2, 2).attr("auto_pad", "SAME_UPPER").shape());
        assertEquals(Shape.of(1, 8, 6, 7), op("Conv").in(F, 1, 3, 8, 9).in(F, 8, 3, 3, 3).attr("auto_pad", "VALID").shape());
    }

    @Test
    void convChecksChannelsAndGroups() {
        assertEquals(Shape.of(1, 32, 6, 6), op("Conv").in(F, 1, 32, 8, 8).in(F, 32, 1, 3, 3).attr("group", 32L).shape());
        InvalidGraphException e = assertThrows(InvalidGraphException.class,
                () -> op("Conv").in(F, 1, 32, 8, 8).in(F, 32, 2, 3, 3).attr("group", 32L).run());
        assertTrue(e.getMessage().contains("[1,32,8,8]") && e.getMessage().contains("[32,2,3,3]"), e.getMessage());
        assertThrows(InvalidGraphException.class, () -> op("Conv").in(F, 1, 3, 2, 2).in(F, 4, 3, 3, 3).run());
        assertThrows(InvalidGraphException.class, () -> op("Conv").in(F, 1, 3, 8, 8).in(F, 4, 3, 3, 3).in(F, 5).run());
    }

    @Test
    void convTranspose() {
        // 2 * (14 - 1) + 0 + 4 - 1 - 1 = 28; output channels W[1] * group
        assertEquals(Shape.of(1, 8, 28, 28), op("ConvTranspose").in(F, 1, 16, 14, 14).in(F, 16, 8, 4, 4)
                .attr("strides", 2, 2).attr("pads", 1, 1, 1, 1).shape());
        assertEquals(Shape.of(1, 8, 29, 29), op("ConvTranspose").in(F, 1, 16, 14, 14).in(F, 16, 8, 4, 4)
                .attr("strides", 2, 2).attr("pads", 1, 1, 1, 1).attr("output_padding", 1, 1).shape());
        assertEquals(Shape.of(1, 8, 30, 31), op("ConvTranspose").in(F, 1, 16, 14, 14).in(F, 16, 8, 4, 4)
                .attr("strides", 2, 2).attr("output_shape", 30, 31).shape());
        assertEquals(dims("n", 8, 28, 28), op("ConvTranspose").in(F, "n", 16, 14, 14).in(F, 16, 8, 3, 3)
                .attr("strides", 2, 2).attr("auto_pad", "SAME_UPPER").shape());
    }

    @Test
    void maxPoolWithIndicesAndCeilMode() {
        List<ValueType> r = op("MaxPool").in(F, "b", 64, 112, 112).attr("kernel_shape", 3, 3).attr("strides", 2, 2)
                .attr("pads", 1, 1, 1, 1).outputs(2).run();
        assertEquals(new TensorType(F, dims("b", 64, 56, 56)), r.get(0));
        assertEquals(new TensorType(DType.INT64, dims("b", 64, 56, 56)), r.get(1));
        assertEquals(Shape.of(1, 1, 2, 2), op("MaxPool").in(F, 1, 1, 5, 5).attr("kernel_shape", 2, 2).attr("strides", 2, 2).shape());
        assertEquals(Shape.of(1, 1, 3, 3), op("MaxPool").in(F, 1, 1, 5, 5).attr("kernel_shape", 2, 2).attr("strides", 2, 2)
                .attr("ceil_mode", 1L).shape());
        // ceil would give 3 windows, but the third would start in the end padding, so it is dropped
        assertEquals(Shape.of(1, 1, 2), op("MaxPool").in(F, 1, 1, 6).attr("kernel_shape", new long[] {3}).attr("strides", new long[] {3})
                .attr("pads", 0, 2).attr("ceil_mode", 1L).shape());
    }

    @Test
    void wronglyTypedAttributeIsAGraphError() {
        InvalidGraphException e = assertThrows(InvalidGraphException.class,
                () -> op("MaxPool").in(F, 1, 1, 6).attr("kernel_shape", 3L).run());
        assertTrue(e.getMessage().contains("'n' (MaxPool)") && e.getMessage().contains("kernel_shape"), e.getMessage());
    }

    @Test
    void averageAndGlobalPools() {
        assertEquals(Shape.of(1, 3, 4, 4), op("AveragePool").in(F, 1, 3, 8, 8).attr("kernel_shape", 2, 2).attr("strides", 2, 2).shape());
        assertThrows(InvalidGraphException.class, () -> op("AveragePool").in(F, 1, 3, 8, 8).run());
        assertThrows(InvalidGraphException.class, () -> op("AveragePool").in(F, 1, 3, 8).attr("kernel_shape", 2, 2).run());
        assertEquals(dims("N", 512, 1, 1), op("GlobalAveragePool").in(F, "N", 512, 7, 7).shape());
        assertEquals(dims(2, 16, 1), op("GlobalMaxPool").in(F, 2, 16, "len").shape());
    }

    @Test
    void normalizations() {
        List<ValueType> bn = op("BatchNormalization").in(F, "n", 16, 8, 8).in(F, 16).in(F, 16).in(F, 16).in(F, 16)
                .attr("training_mode", 1L).outputs(3).run();
        assertEquals(new TensorType(F, dims("n", 16, 8, 8)), bn.get(0));
        assertEquals(new TensorType(F, dims(16)), bn.get(2));
        assertThrows(InvalidGraphException.class,
                () -> op("BatchNormalization").in(F, 1, 16, 8, 8).in(F, 8).in(F, 16).in(F, 16).in(F, 16).run());

        List<ValueType> ln = op("LayerNormalization").in(DType.FLOAT16, "batch", 128, 384).in(DType.FLOAT16, 384)
                .in(DType.FLOAT16, 384).outputs(3).run();
        assertEquals(new TensorType(DType.FLOAT16, dims("batch", 128, 384)), ln.get(0));
        assertEquals(new TensorType(F, dims("batch", 128, 1)), ln.get(1));
        assertEquals(new TensorType(F, dims("batch", 1, 1)),
                op("LayerNormalization").in(F, "batch", 128, 384).in(F, 128, 384).attr("axis", 1L).outputs(2).run().get(1));
        assertThrows(InvalidGraphException.class, () -> op("LayerNormalization").in(F, "batch", 128, 384).in(F, 100).run());

        assertEquals(Shape.of(2, 3, 5), op("InstanceNormalization").in(F, 2, 3, 5).in(F, 3).in(F, 3).shape());
    }

    @Test
    void dropoutMaskIsBool() {
        List<ValueType> r = op("Dropout").in(F, "b", 10).outputs(2).run();
        assertEquals(new TensorType(F, dims("b", 10)), r.get(0));
        assertEquals(new TensorType(DType.BOOL, dims("b", 10)), r.get(1));
        assertEquals(new TensorType(F, dims(4)), op("Dropout").opset(7).in(F, 4).outputs(2).run().get(1));
    }
}
