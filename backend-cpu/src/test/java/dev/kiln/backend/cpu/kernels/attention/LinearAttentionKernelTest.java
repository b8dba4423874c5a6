package dev.kiln.backend.cpu.kernels.attention;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.testing.TensorAssert;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * LinearAttention (ONNX Runtime 1.23 lacks it) against references written independently of the kernel's
 * recurrence: the linear and gated rules in their parallel form
 * {@code o_t = scale * sum_i q_t[i] (exp(G_t[i]) S_0[i] + sum_{s<=t} exp(G_t[i] - G_s[i]) k_s[i] v_s)} with
 * {@code G} the running sum of decays, and the delta rules as {@code S = (I - beta k k^T) D S + beta k v^T}.
 */
class LinearAttentionKernelTest {
    private static final Random RANDOM = new Random(27);

    static float[] random(int n, double scale, double shift) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (shift + scale * (RANDOM.nextDouble() * 2 - 1));
        }
        return v;
    }

    @ParameterizedTest(name = "{0} hq={1} hkv={2} decay per dim={3} beta per head={4} past={5}")
    @CsvSource({
        "linear, 2, 2, true, true, false",
        "linear, 4, 2, true, true, true",
        "gated, 2, 2, true, true, true",
        "gated, 4, 1, false, true, false",
        "delta, 2, 2, true, true, false",
        "delta, 4, 2, true, false, true",
        "gated_delta, 2, 2, true, true, true",
        "gated_delta, 6, 2, false, false, true",
    })
    void matchesTheReference(String rule, int hq, int hkv, boolean decayPerDim, boolean betaPerHead, boolean withPast) {
        int b = 2;
        int steps = 5;
        int dk = 4;
        int dv = 3;
        float[] q = random(b * steps * hq * dk, 1, 0);
        float[] k = random(b * steps * hkv * dk, 0.5, 0);
        float[] v = random(b * steps * hkv * dv, 1, 0);
        int decayWidth = decayPerDim ? hkv * dk : hkv;
        float[] g = random(b * steps * decayWidth, 0.2, -0.3);
        int betaWidth = betaPerHead ? hkv : 1;
        float[] beta = random(b * steps * betaWidth, 0.4, 0.5);
        float[] past = withPast ? random(b * hkv * dk * dv, 0.3, 0) : new float[b * hkv * dk * dv];
        Node n = Node.builder("LinearAttention").inputs("q", "k", "v", withPast ? "s" : "", "g", "beta").outputs("o", "state")
                .attr("update_rule", rule).attr("q_num_heads", (long) hq).attr("kv_num_heads", (long) hkv).build();
        List<RuntimeValue> out = KernelHarness.run(n, 27, Arrays.asList(Tensor.of(q, b, steps, hq * dk), Tensor.of(k, b, steps, hkv * dk),
                Tensor.of(v, b, steps, hkv * dv), withPast ? Tensor.of(past, b, hkv, dk, dv) : null,
                Tensor.of(g, b, steps, decayWidth), Tensor.of(beta, b, steps, betaWidth)));

        boolean gated = rule.startsWith("gated");
        boolean delta = rule.endsWith("delta");
        double scale = 1 / Math.sqrt(dk);
        double[] o = new double[b * steps * hq * dv];
        double[] state = new double[past.length];
        for (int n0 = 0; n0 < b; n0++) {
            for (int h = 0; h < hkv; h++) {
                double[][] s = new double[dk][dv];
                for (int i = 0; i < dk; i++) {
                    for (int j = 0; j < dv; j++) {
                        s[i][j] = past[((n0 * hkv + h) * dk + i) * dv + j];
                    }
                }
                double[][] cumulative = new double[steps + 1][dk];
                for (int t = 0; t < steps; t++) {
                    int bt = n0 * steps + t;
                    double[] kt = new double[dk];
                    double[] dec = new double[dk];
                    for (int i = 0; i < dk; i++) {
                        kt[i] = k[(bt * hkv + h) * dk + i];
                        dec[i] = gated ? g[bt * decayWidth + (decayPerDim ? h * dk + i : h)] : 0;
                        cumulative[t + 1][i] = cumulative[t][i] + dec[i];
                    }
                    double bt0 = delta ? beta[bt * betaWidth + (betaPerHead ? h : 0)] : 1;
                    if (delta) {
                        // S = (I - beta k k^T) D S + beta k v^T
                        double[][] decayed = new double[dk][dv];
                        for (int i = 0; i < dk; i++) {
                            for (int j = 0; j < dv; j++) {
                                decayed[i][j] = Math.exp(dec[i]) * s[i][j];
                            }
                        }
                        double[][] next = new double[dk][dv];
                        for (int i = 0; i < dk; i++) {
                            for (int j = 0; j < dv; j++) {
                                double acc = 0;
                                for (int r = 0; r < dk; r++) {
                                    acc += ((i == r ? 1 : 0) - bt0 * kt[i] * kt[r]) * decayed[r][j];
                                }
                                next[i][j] = acc + bt0 * kt[i] * v[(bt * hkv + h) * dv + j];
                            }
                        }
                        s = next;
                    }
                    for (int gq = 0; gq < hq / hkv; gq++) {
                        int qh = h * (hq / hkv) + gq;
                        for (int j = 0; j < dv; j++) {
                            double acc = 0;
                            for (int i = 0; i < dk; i++) {
                                double qi = q[(bt * hq + qh) * dk + i];
                                if (delta) {
                                    acc += qi * s[i][j];
                                    continue;
                                }
                                acc += qi * Math.exp(cumulative[t + 1][i]) * past[((n0 * hkv + h) * dk + i) * dv + j];
                                for (int u = 0; u <= t; u++) {
                                    int bu = n0 * steps + u;
                                    acc += qi * Math.exp(cumulative[t + 1][i] - cumulative[u + 1][i]) * k[(bu * hkv + h) * dk + i]
                                            * v[(bu * hkv + h) * dv + j];
                                }
                            }
                            o[(bt * hq + qh) * dv + j] = scale * acc;
                        }
                    }
                }
                for (int i = 0; i < dk; i++) {
                    for (int j = 0; j < dv; j++) {
                        double value = s[i][j];
                        if (!delta) {
                            value = Math.exp(cumulative[steps][i]) * past[((n0 * hkv + h) * dk + i) * dv + j];
                            for (int u = 0; u < steps; u++) {
                                int bu = n0 * steps + u;
                                value += Math.exp(cumulative[steps][i] - cumulative[u + 1][i]) * k[(bu * hkv + h) * dk + i]
                                        * v[(bu * hkv + h) * dv + j];
                            }
                        }
                        state[((n0 * hkv + h) * dk + i) * dv + j] = value;
                    }
                }
            }
        }
        TensorAssert.assertClose(Tensor.of(toFloats(o), b, steps, hq * dv), (Tensor) out.get(0), 1e-5, 1e-6);
        TensorAssert.assertClose(Tensor.of(toFloats(state), b, hkv, dk, dv), (Tensor) out.get(1), 1e-5, 1e-6);
    }

    static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
