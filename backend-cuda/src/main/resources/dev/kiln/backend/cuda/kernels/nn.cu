// Convolution helpers (im2col), pooling and BatchNormalization for NCHW float32 tensors (2-D spatial).
#include "common.cuh"

// Columns of one image for a 2-D convolution as GEMM: col[(c * kh + i) * kw + j][oy * ow + ox] =
// x[c][oy * sh - pt + i * dh][ox * sw - pl + j * dw], 0 outside the image. x is one image [C, H, W].
extern "C" __global__ void im2col_f32(const float* x, float* col, i64 c, i64 h, i64 w, i64 kh, i64 kw,
                                      i64 oh, i64 ow, i64 sh, i64 sw, i64 pt, i64 pl, i64 dh, i64 dw) {
    i64 cols = oh * ow;
    KILN_GRID_LOOP(idx, c * kh * kw * cols) {
        i64 p = idx % cols;
        i64 r = idx / cols;
        i64 j = r % kw;
        i64 i = (r / kw) % kh;
        i64 ch = r / (kw * kh);
        i64 oy = p / ow;
        i64 ox = p % ow;
        i64 yy = oy * sh - pt + i * dh;
        i64 xx = ox * sw - pl + j * dw;
        col[idx] = (yy >= 0 && yy < h && xx >= 0 && xx < w) ? x[(ch * h + yy) * w + xx] : 0.f;
    }
}

// Adds a per-channel bias to y of shape [n, c, spatial].
extern "C" __global__ void channel_bias_f32(float* y, const float* bias, i64 n, i64 c, i64 spatial) {
    KILN_GRID_LOOP(i, n * c * spatial) {
        y[i] += bias[(i / spatial) % c];
    }
}

// 2-D max pooling, NCHW; padding never wins (it is -inf). Each output is the max over its window.
extern "C" __global__ void max_pool2d_f32(const float* x, float* y, i64 nc, i64 h, i64 w, i64 oh, i64 ow,
                                          i64 kh, i64 kw, i64 sh, i64 sw, i64 pt, i64 pl, i64 dh, i64 dw) {
    KILN_GRID_LOOP(idx, nc * oh * ow) {
        i64 ox = idx % ow;
        i64 oy = (idx / ow) % oh;
        i64 plane = idx / (ow * oh);
        const float* in = x + plane * h * w;
        float m = -__int_as_float(0x7f800000);
        for (i64 i = 0; i < kh; ++i) {
            i64 yy = oy * sh - pt + i * dh;
            if (yy < 0 || yy >= h) continue;
            for (i64 j = 0; j < kw; ++j) {
                i64 xx = ox * sw - pl + j * dw;
                if (xx < 0 || xx >= w) continue;
                m = fmaxf(m, in[yy * w + xx]);
            }
        }
        y[idx] = m;
    }
}

// Inference-mode BatchNormalization: y = (x - mean[c]) / sqrt(var[c] + epsilon) * scale[c] + bias[c].
extern "C" __global__ void batch_norm_f32(const float* x, const float* scale, const float* bias, const float* mean,
                                          const float* var, float* y, i64 n, i64 c, i64 spatial, float epsilon) {
    KILN_GRID_LOOP(i, n * c * spatial) {
        i64 ch = (i / spatial) % c;
        y[i] = (x[i] - mean[ch]) * rsqrtf(var[ch] + epsilon) * scale[ch] + bias[ch];
    }
}
