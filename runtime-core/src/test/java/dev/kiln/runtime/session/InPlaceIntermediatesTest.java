package dev.kiln.runtime.session;

import static dev.kiln.runtime.testing.Graphs.floats;
import static dev.kiln.runtime.testing.Graphs.in;
import static dev.kiln.runtime.testing.Graphs.model;
import static dev.kiln.runtime.testing.Graphs.node;
import static dev.kiln.runtime.testing.Graphs.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.MemoryBudgetException;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An intermediate read last by a kernel that can work in place (ScatterND with reduction 'add', the
 * embedding gradient's scatter into zeros) is written in place: the run then fits a memory budget of one
 * copy of it, which a copy into a new tensor would exceed. When the intermediate is also a graph output it
 * is left as it was.
 */
class InPlaceIntermediatesTest {
    private static final int ROWS = 1000;
    private static final int COLS = 8;
    private static final long[] PICKS = {3, 999, 3, 0, 512};

    /** D = Neg(X); Y = ScatterND(D, I, U, add); {@code exposeD} makes D a graph output too. */
    private static Graph scatter(boolean exposeD) {
        Graph.Builder g = Graph.builder("scatter").input(floats("X", ROWS, COLS)).input(tensor("I", DType.INT64, PICKS.length, 1))
                .input(floats("U", PICKS.length, COLS)).node(node("Neg", in("X"), "D"))
                .node(Node.builder("ScatterND").inputs("D", "I", "U").output("Y").attr("reduction", "add").build())
                .output(floats("Y", ROWS, COLS));
        return exposeD ? g.output(floats("D", ROWS, COLS)).build() : g.build();
    }

    private static Map<String, RuntimeValue> feeds(float[] x, float[] u) {
        return Map.of("X", Tensor.of(x, ROWS, COLS), "I", Tensor.of(PICKS, PICKS.length, 1), "U", Tensor.of(u, PICKS.length, COLS));
    }

    @Test
    void scatterNdAddsIntoItsDyingInputWithinOneCopysBudget() {
        Random r = new Random(7);
        float[] x = new float[ROWS * COLS];
        float[] u = new float[PICKS.length * COLS];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < u.length; i++) {
            u[i] = (float) r.nextGaussian();
        }
        float[] expected = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            expected[i] = -x[i];
        }
        for (int p = 0; p < PICKS.length; p++) {
            for (int c = 0; c < COLS; c++) {
                expected[(int) PICKS[p] * COLS + c] += u[p * COLS + c];
            }
        }
        long oneCopy = 4L * ROWS * COLS;
        RunOptions budget = RunOptions.builder().maxRunBytes(oneCopy + oneCopy / 4).build();
        try (Session s = Session.open(model(scatter(false)), SessionOptions.builder().threads(1).build())) {
            Map<String, RuntimeValue> out = s.run(feeds(x, u), budget);
            assertArrayEquals(expected, ((Tensor) out.get("Y")).floatData(), 1e-6f);
        }
        try (Session s = Session.open(model(scatter(true)), SessionOptions.builder().threads(1).build())) {
            assertThrows(MemoryBudgetException.class, () -> s.run(feeds(x, u), budget), "D is an output: Y needs its own copy");
            Map<String, RuntimeValue> out = s.run(feeds(x, u));
            assertArrayEquals(expected, ((Tensor) out.get("Y")).floatData(), 1e-6f);
            float[] d = ((Tensor) out.get("D")).floatData();
            for (int i = 0; i < x.length; i++) {
                assertArrayEquals(new float[] {-x[i]}, new float[] {d[i]}, "D[" + i + "] is not written");
            }
        }
    }
}
