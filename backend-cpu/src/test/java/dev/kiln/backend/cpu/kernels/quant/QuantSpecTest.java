package dev.kiln.backend.cpu.kernels.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.backend.cpu.util.ElementCodec;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * QuantizeLinear and DequantizeLinear for the types ONNX Runtime's Java API cannot pass, against the
 * spec's formulas worked out here: integer ranges from the bit width, float8/float4 results as the
 * representable value nearest x / scale, found by decoding every code.
 */
class QuantSpecTest {
    private final Random random = new Random(5);

    private Tensor floats(float range, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (random.nextFloat() * 2 - 1) * range;
        }
        v[0] = 2.5f;
        v[1] = -1.5f;
        return Tensor.of(v, 2, n / 2);
    }

    private static Tensor ints(DType t, long... v) {
        Tensor out = Tensor.zeros(t, v.length);
        ElementCodec.fromLong(v, 0, out, 0, v.length);
        return out;
    }

    @Test
    void quantizeToNarrowIntegersPerAxisFollowsTheFormula() {
        Object[][] types = {{DType.UINT16, 0L, 65535L}, {DType.INT4, -8L, 7L}, {DType.UINT4, 0L, 15L}, {DType.INT2, -2L, 1L},
            {DType.UINT2, 0L, 3L}};
        Node n = Node.builder("QuantizeLinear").inputs("x", "s", "z").output("y").attr("axis", 0L).build();
        for (Object[] row : types) {
            DType t = (DType) row[0];
            long lo = (long) row[1];
            long hi = (long) row[2];
            Tensor x = floats(t == DType.UINT16 ? 9e4f : 12, 40);
            float[] scale = {0.5f, 1.25f};
            long[] zero = {t.isUnsigned() ? 1 : -1, 0};
            Tensor y = KernelHarness.runOne(n, x, Tensor.of(scale, 2), ints(t, zero));
            assertEquals(t, y.dtype());
            for (int i = 0; i < x.size(); i++) {
                int r = i / 20;
                long expected = (long) Math.max(lo, Math.min(hi, Math.rint(x.getFloat(i) / scale[r]) + zero[r]));
                assertEquals(expected, y.getLong(i), t + " element " + i + " of x=" + x.getFloat(i));
            }
            Node dq = Node.builder("DequantizeLinear").inputs("x", "s", "z").output("y").attr("axis", 0L).build();
            Tensor back = KernelHarness.runOne(dq, y, Tensor.of(scale, 2), ints(t, zero));
            for (int i = 0; i < y.size(); i++) {
                int r = i / 20;
                assertEquals((y.getLong(i) - zero[r]) * scale[r], back.getFloat(i), 0, t + " dequantized element " + i);
            }
        }
    }

    @Test
    void quantizeToMinifloatsGivesTheNearestCode() {
        for (DType t : new DType[] {DType.FLOAT8E4M3FN, DType.FLOAT8E4M3FNUZ, DType.FLOAT8E5M2, DType.FLOAT8E5M2FNUZ, DType.FLOAT4E2M1}) {
            Node n = Node.builder("QuantizeLinear").inputs("x", "s", "z").output("y").build();
            float scale = 0.25f;
            Tensor x = floats(t == DType.FLOAT4E2M1 ? 1.4f : 60, 64);
            Tensor y = KernelHarness.runOne(n, x, Tensor.of(new float[] {scale}), Tensor.zeros(t));
            for (int i = 0; i < x.size(); i++) {
                double q = x.getFloat(i) / scale;
                double best = nearest(t, q);
                assertEquals(best, y.getDouble(i), 0, t + " element " + i + " x/scale=" + q);
            }
        }
    }

    /** The finite value of type t nearest to q (saturating), ties to the code with an even last bit. */
    private static double nearest(DType t, double q) {
        double best = Double.NaN;
        int bestCode = -1;
        int codes = t == DType.FLOAT4E2M1 ? 16 : 256;
        for (int c = 0; c < codes; c++) {
            double v = FloatFormats.minifloatToFloat(t, (byte) c);
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                continue;
            }
            double d = Math.abs(v - q);
            double bd = Math.abs(best - q);
            if (bestCode < 0 || d < bd || (d == bd && (c & 1) == 0 && v != best)) {
                best = v;
                bestCode = c;
            }
        }
        return best;
    }

    @Test
    void saturateZeroOverflowsToInfinityOrNaN() {
        Tensor x = Tensor.of(new float[] {1000f, -1e6f, 100f}, 3);
        Tensor one = Tensor.of(new float[] {1f});
        Node keep = Node.builder("QuantizeLinear").inputs("x", "s", "z").output("y").attr("saturate", 0L).build();
        Node clamp = Node.builder("QuantizeLinear").inputs("x", "s", "z").output("y").build();
        Tensor e4 = KernelHarness.runOne(keep, x, one, Tensor.zeros(DType.FLOAT8E4M3FN));
        assertEquals(true, Double.isNaN(e4.getDouble(0)) && Double.isNaN(e4.getDouble(1)));
        assertEquals(96.0, e4.getDouble(2), 0);
        Tensor e5 = KernelHarness.runOne(keep, Tensor.of(new float[] {1e6f, -1e6f}, 2), one, Tensor.zeros(DType.FLOAT8E5M2));
        assertEquals(Double.POSITIVE_INFINITY, e5.getDouble(0), 0);
        assertEquals(Double.NEGATIVE_INFINITY, e5.getDouble(1), 0);
        Tensor sat = KernelHarness.runOne(clamp, x, one, Tensor.zeros(DType.FLOAT8E4M3FN));
        assertEquals(448.0, sat.getDouble(0), 0);
        assertEquals(-448.0, sat.getDouble(1), 0);
    }

    @Test
    void dequantizeMinifloatsAndBlocksFollowTheFormula() {
        DType t = DType.FLOAT8E4M3FN;
        byte[] codes = new byte[24];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) random.nextInt(0x7F);
        }
        Tensor x = Tensor.of(t, codes, 2, 12);
        float[] scale = {0.5f, 2f, 3f, 0.125f, 1f, 4f};
        Node n = Node.builder("DequantizeLinear").inputs("x", "s").output("y").attr("axis", 1L).attr("block_size", 4L).build();
        Tensor y = KernelHarness.runOne(n, x, Tensor.of(scale, 2, 3));
        for (int i = 0; i < 24; i++) {
            int s = (i / 12) * 3 + (i % 12) / 4;
            assertEquals(FloatFormats.minifloatToFloat(t, codes[i]) * scale[s], y.getFloat(i), 0, "element " + i);
        }
        Node half = Node.builder("DequantizeLinear").inputs("x", "s").output("y").attr("output_dtype", (long) DType.FLOAT16.code()).build();
        Tensor h = KernelHarness.runOne(half, x, Tensor.of(new float[] {0.5f}));
        assertEquals(DType.FLOAT16, h.dtype());
        for (int i = 0; i < 24; i++) {
            float expected = FloatFormats.halfToFloat(FloatFormats.floatToHalf(FloatFormats.minifloatToFloat(t, codes[i]) * 0.5f));
            assertEquals(expected, h.getFloat(i), 0, "float16 element " + i);
        }
    }
}
