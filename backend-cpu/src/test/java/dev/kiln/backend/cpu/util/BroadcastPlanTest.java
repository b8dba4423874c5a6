package dev.kiln.backend.cpu.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.tensor.Shape;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BroadcastPlanTest {

    /** Every output position mapped to each input's element index the slow way, by full multi-index. */
    private static int[][] naive(long[] out, long[]... in) {
        int size = (int) Shape.of(out).elementCount();
        int[][] idx = new int[in.length][size];
        for (int pos = 0; pos < size; pos++) {
            long rem = pos;
            long[] multi = new long[out.length];
            for (int d = out.length - 1; d >= 0; d--) {
                multi[d] = rem % out[d];
                rem /= out[d];
            }
            for (int k = 0; k < in.length; k++) {
                int off = out.length - in[k].length;
                long flat = 0;
                for (int d = 0; d < in[k].length; d++) {
                    flat = flat * in[k][d] + (in[k][d] == 1 ? 0 : multi[off + d]);
                }
                idx[k][pos] = (int) flat;
            }
        }
        return idx;
    }

    private static void assertRunsMatch(BroadcastPlan plan, int start, int end, int[][] expected) {
        int[] next = {start};
        plan.forEachRun(start, end, (pos, len, off) -> {
            assertEquals(next[0], pos, "runs must be consecutive");
            assertTrue(len > 0 && len <= plan.runLength());
            for (int k = 0; k < off.length; k++) {
                for (int i = 0; i < len; i++) {
                    assertEquals(expected[k][pos + i], off[k] + i * plan.innerStride(k), "input " + k + " at " + (pos + i));
                }
            }
            next[0] = pos + len;
        });
        assertEquals(end, next[0]);
    }

    @Test
    void randomShapesAndRangesMatchTheNaiveIndexing() {
        Random r = new Random(1);
        for (int trial = 0; trial < 300; trial++) {
            int rank = 1 + r.nextInt(5);
            long[] out = new long[rank];
            for (int d = 0; d < rank; d++) {
                out[d] = 1 + r.nextInt(4);
            }
            long[][] in = new long[3][];
            for (int k = 0; k < 3; k++) {
                int kr = r.nextInt(rank + 1);
                in[k] = Arrays.copyOfRange(out, rank - kr, rank);
                for (int d = 0; d < kr; d++) {
                    if (r.nextInt(3) == 0) {
                        in[k][d] = 1;
                    }
                }
            }
            in[0] = out.clone();
            BroadcastPlan plan = BroadcastPlan.of(Shape.of(in[0]), Shape.of(in[1]), Shape.of(in[2]));
            assertArrayEquals(out, plan.outputDims());
            int[][] expected = naive(out, in);
            int size = plan.size();
            assertRunsMatch(plan, 0, size, expected);
            int a = r.nextInt(size + 1);
            int b = a + r.nextInt(size - a + 1);
            assertRunsMatch(plan, a, b, expected);
        }
    }

    @Test
    void sameShapesAndScalarsCollapseToOneRun() {
        BroadcastPlan same = BroadcastPlan.of(Shape.of(2, 3, 4), Shape.of(2, 3, 4));
        assertEquals(24, same.runLength());
        assertTrue(same.isContiguous(0) && same.isContiguous(1));
        BroadcastPlan scalar = BroadcastPlan.of(Shape.of(2, 3, 4), Shape.scalar());
        assertEquals(24, scalar.runLength());
        assertEquals(1, scalar.innerStride(0));
        assertEquals(0, scalar.innerStride(1));
    }

    @Test
    void rowVectorBroadcastKeepsTheRowAsTheRun() {
        BroadcastPlan plan = BroadcastPlan.of(Shape.of(5, 1, 3), Shape.of(4, 3));
        assertArrayEquals(new long[] {5, 4, 3}, plan.outputDims());
        assertEquals(3, plan.runLength());
        assertEquals(1, plan.innerStride(0));
        assertEquals(1, plan.innerStride(1));
    }

    @Test
    void incompatibleShapesAreAnInputErrorNamingBoth() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> BroadcastPlan.of(Shape.of(2, 3), Shape.of(4)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> BroadcastPlan.into(Shape.of(3), Shape.of(2, 3)));
    }

    @Test
    void emptyOutputsHaveNoRuns() {
        BroadcastPlan plan = BroadcastPlan.of(Shape.of(0, 3), Shape.of(3));
        assertEquals(0, plan.size());
        plan.forEachRun(0, 0, (pos, len, off) -> {
            throw new AssertionError("no runs expected");
        });
    }
}
