package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Data-movement kernels against ONNX Runtime on random inputs, several attribute variants each. */
class TensorKernelsOrtTest {
    private static final int OPSET = 21;
    private final Random random = new Random(42);

    private Tensor floats(long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextFloat() * 4 - 2;
        }
        return Tensor.of(v, dims);
    }

    private Tensor indices(int bound, boolean negative, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        long[] v = new long[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextInt(bound) - (negative && random.nextBoolean() ? bound : 0);
        }
        return Tensor.of(v, dims);
    }

    private static Tensor longs(long... v) {
        return Tensor.of(v, v.length);
    }

    private static void check(Node node, Tensor... inputs) {
        KernelHarness.assertMatchesOrt(node, OPSET, 0, 0, inputs);
    }

    private static void checkClose(Node node, Tensor... inputs) {
        KernelHarness.assertMatchesOrt(node, OPSET, 1e-5, 1e-5, inputs);
    }

    @Test
    void transposeVariants() {
        Tensor x = floats(2, 3, 40, 36);
        for (long[] perm : new long[][] {{0, 2, 1, 3}, {0, 1, 3, 2}, {3, 2, 1, 0}, {0, 2, 3, 1}}) {
            check(Node.builder("Transpose").input("x").output("y").attr("perm", perm).build(), x);
        }
        check(Node.builder("Transpose").input("x").output("y").build(), x);
    }

    @Test
    void sliceVariants() {
        Tensor x = floats(5, 6, 7);
        Node n = Node.builder("Slice").inputs("x", "s", "e", "a", "st").output("y").build();
        check(n, x, longs(1, -1), longs(4, 0), longs(0, 2), longs(2, -2));
        check(n, x, longs(-100, 2), longs(100, 5), longs(1, -1), longs(1, 1));
        check(n, x, longs(Long.MAX_VALUE), longs(Long.MIN_VALUE), longs(0), longs(-1));
    }

    @Test
    void concatSplitGather() {
        check(Node.builder("Concat").inputs("a", "b", "c").output("y").attr("axis", 1L).build(), floats(2, 3, 4), floats(2, 1, 4),
                floats(2, 5, 4));
        check(Node.builder("Split").inputs("x", "s").outputs("a", "b", "c").attr("axis", -1L).build(), floats(3, 10), longs(2, 0, 8));
        check(Node.builder("Split").input("x").outputs("a", "b", "c").attr("axis", 0L).attr("num_outputs", 3L).build(), floats(8, 2));
        Tensor data = floats(5, 4, 3);
        for (long axis = -3; axis < 3; axis++) {
            int bound = (int) data.dim((int) (axis < 0 ? axis + 3 : axis));
            check(Node.builder("Gather").inputs("d", "i").output("y").attr("axis", axis).build(), data, indices(bound, true, 2, 3));
        }
        check(Node.builder("GatherElements").inputs("d", "i").output("y").attr("axis", 1L).build(), data, indices(4, true, 5, 6, 3));
        check(Node.builder("GatherND").inputs("d", "i").output("y").attr("batch_dims", 1L).build(), data, indices(3, false, 5, 2, 2));
    }

    @Test
    void scatterVariants() {
        Tensor data = floats(4, 5);
        for (String r : new String[] {"none", "add", "mul", "max", "min"}) {
            Tensor idx = r.equals("none") ? Tensor.of(new long[] {0, 3, 1, 2, 4, 0}, 2, 3) : indices(5, true, 3, 3);
            checkClose(Node.builder("ScatterElements").inputs("d", "i", "u").output("y").attr("axis", 1L).attr("reduction", r).build(),
                    data, idx, floats(idx.dims()));
            Tensor nd = r.equals("none") ? Tensor.of(new long[] {3, 0}, 2, 1) : indices(4, false, 3, 1);
            checkClose(Node.builder("ScatterND").inputs("d", "i", "u").output("y").attr("reduction", r).build(), data, nd, floats(nd.dim(0), 5));
        }
    }

    @Test
    void expandTilePad() {
        check(Node.builder("Expand").inputs("x", "s").output("y").build(), floats(3, 1, 2), longs(2, 1, 4, 2));
        check(Node.builder("Tile").inputs("x", "r").output("y").build(), floats(2, 3, 1), longs(3, 1, 4));
        Tensor x = floats(3, 4, 5);
        for (String mode : new String[] {"constant", "reflect", "edge", "wrap"}) {
            Node withAxes = Node.builder("Pad").inputs("x", "p", mode.equals("constant") ? "v" : "", "a").output("y").attr("mode", mode).build();
            check(withAxes, x, longs(1, 2, 2, 3), mode.equals("constant") ? Tensor.scalar(1.5f) : null, longs(0, -1));
            Node all = Node.builder("Pad").inputs("x", "p").output("y").attr("mode", mode).build();
            check(all, x, longs(0, 1, 1, 2, 0, 1));
            check(all, x, longs(0, -1, 1, 2, 0, -2));
        }
    }

    @Test
    void orderingAndScanOps() {
        Tensor x = floats(4, 9);
        for (long largest = 0; largest <= 1; largest++) {
            check(Node.builder("TopK").inputs("x", "k").outputs("v", "i").attr("axis", 0L).attr("largest", largest).build(), x, longs(3));
        }
        for (long excl = 0; excl <= 1; excl++) {
            checkClose(Node.builder("CumSum").inputs("x", "a").output("y").attr("exclusive", excl).attr("reverse", 1 - excl).build(),
                    x, Tensor.scalar(1L));
        }
        Tensor ints = Tensor.of(new long[] {3, 1, 3, 0, 1, 7, 3, 3}, 8);
        check(Node.builder("Unique").input("x").outputs("y", "i", "inv", "c").build(), ints);
        check(Node.builder("NonZero").input("x").output("y").build(), Tensor.of(new long[] {0, 2, 0, 3, 4, 0}, 2, 3));
        check(Node.builder("Trilu").inputs("x", "k").output("y").attr("upper", 0L).build(), floats(2, 4, 5), Tensor.scalar(-1L));
    }

    @Test
    void layoutAndGeneratorOps() {
        Tensor x = floats(2, 8, 4, 6);
        check(Node.builder("DepthToSpace").input("x").output("y").attr("blocksize", 2L).attr("mode", "CRD").build(), x);
        check(Node.builder("DepthToSpace").input("x").output("y").attr("blocksize", 2L).build(), x);
        check(Node.builder("SpaceToDepth").input("x").output("y").attr("blocksize", 2L).build(), x);
        check(Node.builder("OneHot").inputs("i", "d", "v").output("y").attr("axis", 1L).build(), indices(5, true, 2, 3),
                Tensor.scalar(5L), Tensor.of(new float[] {0, 1}, 2));
        check(Node.builder("EyeLike").input("x").output("y").attr("k", -1L).attr("dtype", (long) DType.INT32.code()).build(), floats(4, 3));
        check(Node.builder("Range").inputs("a", "b", "d").output("y").build(), Tensor.scalar(-3L), Tensor.scalar(10L), Tensor.scalar(4L));
        check(Node.builder("Compress").inputs("x", "c").output("y").attr("axis", 2L).build(), x,
                Tensor.of(new boolean[] {true, false, true}, 3));
        check(Node.builder("ReverseSequence").inputs("x", "l").output("y").attr("batch_axis", 0L).attr("time_axis", 1L).build(),
                floats(3, 5, 2), longs(5, 1, 3));
    }

    @Test
    void resizeModes() {
        Tensor x = floats(1, 2, 5, 6);
        String[] coords = {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric"};
        for (String mode : new String[] {"nearest", "linear", "cubic"}) {
            for (String c : coords) {
                Node n = Node.builder("Resize").inputs("x", "", "s").output("y").attr("mode", mode)
                        .attr("coordinate_transformation_mode", c).build();
                checkClose(n, x, null, Tensor.of(new float[] {1, 1, 2, 0.5f}, 4));
                // with fractional output widths ORT's align_corners uses the rounded width, unlike the ONNX reference we follow
                if (!c.equals("align_corners")) {
                    checkClose(n, x, null, Tensor.of(new float[] {1, 1, 1.7f, 0.6f}, 4));
                }
            }
        }
        for (String nearest : new String[] {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"}) {
            Node n = Node.builder("Resize").inputs("x", "", "", "z").output("y").attr("nearest_mode", nearest).build();
            check(n, x, null, null, longs(1, 2, 9, 4));
        }
        Node aa = Node.builder("Resize").inputs("x", "", "s").output("y").attr("mode", "linear").attr("antialias", 1L).build();
        checkClose(aa, floats(1, 1, 9, 9), null, Tensor.of(new float[] {1, 1, 0.4f, 0.5f}, 4));
    }
}
