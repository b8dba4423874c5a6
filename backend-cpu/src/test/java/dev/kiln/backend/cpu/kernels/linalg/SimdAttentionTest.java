package dev.kiln.backend.cpu.kernels.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.simd.Simd;
import dev.kiln.testing.RandomTensors;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SIMD attention body ({@link dev.kiln.backend.cpu.simd.SimdAttention}) against the plain-Java one
 * ({@link AttentionBlock}) on random shapes: head sizes and sequence lengths that are not multiples of the
 * lane count or of the four-row tile, several query blocks, masks broadcast along each axis, padding keys at
 * -10000 and at -infinity. (FusedAttentionOrtTest checks both against ONNX Runtime.)
 */
class SimdAttentionTest {
    private static CpuExecution execution;
    private final Random random = new Random(11);

    @BeforeAll
    static void start() {
        assumeTrue(Simd.enabled(), Simd.describe());
        execution = new CpuExecution(2);
    }

    @AfterAll
    static void stop() {
        if (execution != null) {
            execution.close();
        }
    }

    @Test
    void agreesWithThePlainPathOnRandomShapes() {
        int[][] shapes = {
            // batch, sq, sk, heads, d
            {8, 128, 128, 12, 32}, {1, 32, 32, 12, 32}, {2, 17, 17, 3, 7}, {1, 1, 1, 1, 1}, {3, 5, 33, 2, 24},
            {1, 130, 45, 2, 33}, {2, 31, 700, 1, 16}, {1, 3, 9, 4, 65}, {2, 129, 129, 1, 48},
        };
        long[][] masks = {null, {-1, 1, 1, -2}, {-1, -3, -4, -2}, {1, 1, -4, -2}, {-2}, {-4, 1}};
        for (int[] shape : shapes) {
            for (long[] m : masks) {
                compare(shape[0], shape[1], shape[2], shape[3], shape[4], m, -10000f);
            }
            for (int t = 0; t < 3; t++) {
                int d = 1 + random.nextInt(70);
                compare(1 + random.nextInt(3), 1 + random.nextInt(150), 1 + random.nextInt(150), 1 + random.nextInt(4), d,
                        masks[random.nextInt(masks.length)], Float.NEGATIVE_INFINITY);
            }
        }
    }

    @Test
    void fullyMaskedRowsGiveNaNOnBothPaths() {
        int sk = 20;
        Tensor q = RandomTensors.uniform(random, -1f, 1f, 1, 3, 8);
        Tensor k = RandomTensors.uniform(random, -1f, 1f, 1, sk, 8);
        Tensor v = RandomTensors.uniform(random, -1f, 1f, 1, sk, 8);
        float[] m = new float[sk];
        java.util.Arrays.fill(m, Float.NEGATIVE_INFINITY);
        Tensor mask = Tensor.of(m, sk);
        float[] simd = run(true, q, k, v, mask, 2, 0.5f);
        float[] plain = run(false, q, k, v, mask, 2, 0.5f);
        for (int i = 0; i < simd.length; i++) {
            assertTrue(Float.isNaN(simd[i]) && Float.isNaN(plain[i]), "index " + i + ": " + simd[i] + " / " + plain[i]);
        }
    }

    @Test
    void readsQueriesKeysAndValuesAsSlicesOfOnePackedProjection() {
        // q, k and v side by side in one [b, s, 3 * width] array (as a merged QKV projection writes them), the
        // output into the middle of a wider array: the same result as from three packed [b, s, width] inputs
        int b = 2;
        int s = 37;
        int heads = 3;
        for (int d : new int[] {32, 20}) {
            int width = heads * d;
            Tensor q = RandomTensors.uniform(random, -2f, 2f, b, s, width);
            Tensor k = RandomTensors.uniform(random, -2f, 2f, b, s, width);
            Tensor v = RandomTensors.uniform(random, -1f, 1f, b, s, width);
            Tensor mask = RandomTensors.uniform(random, -3f, 0f, b, 1, 1, s);
            float scale = 0.3f;
            float[] expected = run(true, q, k, v, mask, heads, scale);
            float[] qkv = new float[b * s * 3 * width];
            for (int row = 0; row < b * s; row++) {
                System.arraycopy(q.floatData(), row * width, qkv, row * 3 * width, width);
                System.arraycopy(k.floatData(), row * width, qkv, row * 3 * width + width, width);
                System.arraycopy(v.floatData(), row * width, qkv, row * 3 * width + 2 * width, width);
            }
            int outStride = width + 5;
            float[] out = new float[b * s * outStride];
            java.util.Arrays.fill(out, Float.NaN);
            for (int bi = 0; bi < b; bi++) {
                for (int h = 0; h < heads; h++) {
                    int row = bi * s * 3 * width + h * d;
                    dev.kiln.backend.cpu.simd.SimdAttention.attend(qkv, row, 3 * width, qkv, row + width, 3 * width, qkv, row + 2 * width,
                            3 * width, out, bi * s * outStride + 5 + h * d, outStride, scale, mask.floatData(), bi * s, 0, 1, s, s, d);
                }
            }
            for (int row = 0; row < b * s; row++) {
                for (int c = 0; c < 5; c++) {
                    assertTrue(Float.isNaN(out[row * outStride + c]), "written outside the output slice at row " + row);
                }
                for (int c = 0; c < width; c++) {
                    assertEquals(expected[row * width + c], out[row * outStride + 5 + c], 0f, "d " + d + " row " + row + " column " + c);
                }
            }
        }
    }

    /** Mask dims: -1 stands for batch, -2 for sk, -3 for heads, -4 for sq; 1 broadcasts. */
    private void compare(int b, int sq, int sk, int heads, int d, long[] maskSpec, float padding) {
        Tensor q = RandomTensors.uniform(random, -2f, 2f, b, sq, heads * d);
        Tensor k = RandomTensors.uniform(random, -2f, 2f, b, sk, heads * d);
        Tensor v = RandomTensors.uniform(random, -1f, 1f, b, sk, heads * d);
        Tensor mask = null;
        if (maskSpec != null) {
            long[] dims = new long[maskSpec.length];
            for (int i = 0; i < dims.length; i++) {
                long x = maskSpec[i];
                dims[i] = x == -1 ? b : x == -2 ? sk : x == -3 ? heads : x == -4 ? sq : x;
            }
            mask = RandomTensors.uniform(random, -3f, 1f, dims);
            float[] md = mask.floatData();
            for (int i = 0; i < md.length; i++) {
                // some padded keys, but never all of a row (every row keeps its first key)
                md[i] = (i % sk != 0 || dims[dims.length - 1] != sk) && md[i] < -2.4f && dims[dims.length - 1] > 1 ? padding : md[i];
            }
        }
        float scale = (float) (1 / Math.sqrt(d));
        float[] simd = run(true, q, k, v, mask, heads, scale);
        float[] plain = run(false, q, k, v, mask, heads, scale);
        String what = b + "x" + sq + "x" + sk + " heads " + heads + " d " + d + " mask " + (mask == null ? "none" : mask.describe());
        for (int i = 0; i < simd.length; i++) {
            assertEquals(plain[i], simd[i], 2e-6f + 2e-6f * Math.abs(plain[i]), what + " at " + i);
        }
    }

    private static float[] run(boolean simd, Tensor q, Tensor k, Tensor v, Tensor mask, int heads, float scale) {
        return attend(execution, simd, q, k, v, mask, heads, scale);
    }

    /** The float32 attention on the chosen path, called directly (no kernel context), output as an array. */
    static float[] attend(CpuExecution execution, boolean simd, Tensor q, Tensor k, Tensor v, Tensor mask, int heads, float scale) {
        int b = (int) q.dims()[0];
        int sq = (int) q.dims()[1];
        int sk = (int) k.dims()[1];
        int d = (int) q.dims()[2] / heads;
        FusedAttentionKernel.MaskView view = mask == null ? null : FusedAttentionKernel.MaskView.of(mask, DType.FLOAT, b, heads, sq, sk);
        float[] out = new float[(int) q.elementCount()];
        java.util.Arrays.fill(out, Float.NaN);
        FusedAttentionKernel.attendFloats(execution, simd, q.floatData(), k.floatData(), v.floatData(), out, scale, view, b, heads, sq, sk,
                d);
        return out;
    }
}
