package dev.kiln.runtime.session;

import static dev.kiln.runtime.testing.Graphs.floats;
import static dev.kiln.runtime.testing.Graphs.in;
import static dev.kiln.runtime.testing.Graphs.model;
import static dev.kiln.runtime.testing.Graphs.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** y = x @ w with x: float32[n,4] and w: float32[4,n], so the symbol n appears in both inputs. */
class InputValidationTest {
    private final Session session = Session.open(model(Graph.builder("mm").input(floats("x", "n", 4)).input(floats("w", 4, "n"))
            .output(floats("y", "n", "n")).node(node("MatMul", in("x", "w"), "y")).build()), SessionOptions.builder().threads(1).build());

    @AfterEach
    void close() {
        session.close();
    }

    private String failure(Map<String, RuntimeValue> feeds) {
        return assertThrows(InvalidInputException.class, () -> session.run(feeds)).getMessage();
    }

    private static Tensor floats2(long rows, long cols) {
        return Tensor.zeros(dev.kiln.api.tensor.DType.FLOAT, rows, cols);
    }

    @Test
    void validInputsRun() {
        Tensor y = (Tensor) session.run(Map.of("x", floats2(2, 4), "w", floats2(4, 2))).get("y");
        assertEquals(List.of(2L, 2L), List.of(y.dim(0), y.dim(1)));
    }

    @Test
    void aMissingInputIsNamedWithItsType() {
        assertEquals("missing required input 'w' (float32[4,n])", failure(Map.of("x", floats2(2, 4))));
        assertEquals("missing required inputs 'x' (float32[n,4]), 'w' (float32[4,n])", failure(Map.of()));
    }

    @Test
    void anUnknownInputIsNamedWithTheKnownOnes() {
        assertEquals("unknown input 'bias'; the model's inputs are 'x' (float32[n,4]), 'w' (float32[4,n])",
                failure(Map.of("x", floats2(2, 4), "w", floats2(4, 2), "bias", floats2(1, 1))));
    }

    @Test
    void aWrongElementTypeIsNamed() {
        assertEquals("input 'x': expected float32[n,4], got int64[2,4]",
                failure(Map.of("x", Tensor.zeros(dev.kiln.api.tensor.DType.INT64, 2, 4), "w", floats2(4, 2))));
    }

    @Test
    void aWrongRankIsNamed() {
        assertEquals("input 'x': expected float32[n,4], got float32[8] (rank 1, expected rank 2)",
                failure(Map.of("x", Tensor.zeros(dev.kiln.api.tensor.DType.FLOAT, 8), "w", floats2(4, 2))));
    }

    @Test
    void aWrongKnownDimensionIsNamed() {
        assertEquals("input 'x': expected float32[n,4], got float32[2,3] (dimension 1 is 3, expected 4)",
                failure(Map.of("x", floats2(2, 3), "w", floats2(4, 2))));
    }

    @Test
    void aSymbolMustHaveOneSizeInARun() {
        assertEquals("input 'w': expected float32[4,n], got float32[4,3] (dimension 1 'n' is 3, but input 'x' dimension 0 gave 'n' = 2)",
                failure(Map.of("x", floats2(2, 4), "w", floats2(4, 3))));
    }

    @Test
    void aNullValueOrMapIsRefused() {
        Map<String, RuntimeValue> feeds = new HashMap<>();
        feeds.put("x", floats2(2, 4));
        feeds.put("w", null);
        assertEquals("input 'w': expected float32[4,n], got null", failure(feeds));
        assertThrows(InvalidInputException.class, () -> session.run(null));
    }
}
