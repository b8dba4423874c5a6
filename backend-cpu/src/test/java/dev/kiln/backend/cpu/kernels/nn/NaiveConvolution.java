package dev.kiln.backend.cpu.kernels.nn;

/**
 * Convolution straight from its definition, for checking the im2col/GEMM kernels: every output element
 * sums X(n, g*C/G + ci, o*s - pad + k*d) * W(m, ci, k) over in-bounds taps. 2-D, float64.
 */
final class NaiveConvolution {
    private NaiveConvolution() {
    }

    static double[] conv2d(double[] x, int n, int c, int h, int w, double[] wt, int m, int kh, int kw, double[] bias,
                           int group, int[] strides, int[] pads, int[] dilations, int oh, int ow) {
        int cg = c / group;
        int mg = m / group;
        double[] y = new double[n * m * oh * ow];
        for (int img = 0; img < n; img++) {
            for (int oc = 0; oc < m; oc++) {
                int g = oc / mg;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double acc = bias == null ? 0 : bias[oc];
                        for (int ci = 0; ci < cg; ci++) {
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    int iy = oy * strides[0] - pads[0] + ky * dilations[0];
                                    int ix = ox * strides[1] - pads[1] + kx * dilations[1];
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                        continue;
                                    }
                                    acc += x[((img * c + g * cg + ci) * h + iy) * w + ix] * wt[((oc * cg + ci) * kh + ky) * kw + kx];
                                }
                            }
                        }
                        y[((img * m + oc) * oh + oy) * ow + ox] = acc;
                    }
                }
            }
        }
        return y;
    }

    /** ConvTranspose by scattering each input element through the kernel; W is (C x M/group x kh x kw). */
    static double[] convTranspose2d(double[] x, int n, int c, int h, int w, double[] wt, int m, int kh, int kw, int group,
                                    int[] strides, int[] padBegin, int[] dilations, int oh, int ow) {
        int cg = c / group;
        int mg = m / group;
        double[] y = new double[n * m * oh * ow];
        for (int img = 0; img < n; img++) {
            for (int ic = 0; ic < c; ic++) {
                int g = ic / cg;
                for (int iy = 0; iy < h; iy++) {
                    for (int ix = 0; ix < w; ix++) {
                        double v = x[((img * c + ic) * h + iy) * w + ix];
                        for (int j = 0; j < mg; j++) {
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    int oy = iy * strides[0] - padBegin[0] + ky * dilations[0];
                                    int ox = ix * strides[1] - padBegin[1] + kx * dilations[1];
                                    if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) {
                                        continue;
                                    }
                                    y[((img * m + g * mg + j) * oh + oy) * ow + ox] += v * wt[((ic * mg + j) * kh + ky) * kw + kx];
                                }
                            }
                        }
                    }
                }
            }
        }
        return y;
    }
}
