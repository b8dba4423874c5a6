// Reductions along one axis of an [outer, n, inner] view: ReduceSum/Mean/Max/Min, Softmax, LogSoftmax.
// One block per (outer, inner) pair; threads stride over n and combine through shared memory.
#include "common.cuh"

#define KILN_BLOCK 256

#define R_SUM 0
#define R_MEAN 1
#define R_MAX 2
#define R_MIN 3
#define R_SUM_SQUARE 4

__device__ __forceinline__ float kiln_combine(int op, float a, float b) {
    if (op == R_MAX) return fmaxf(a, b);
    if (op == R_MIN) return fminf(a, b);
    return a + b;
}

__device__ float kiln_block_reduce(float v, int op, float* shared) {
    int t = threadIdx.x;
    shared[t] = v;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (t < s) {
            shared[t] = kiln_combine(op, shared[t], shared[t + s]);
        }
        __syncthreads();
    }
    float r = shared[0];
    __syncthreads();
    return r;
}

// blockDim.x must be KILN_BLOCK (a power of two); the grid covers outer * inner rows.
extern "C" __global__ void reduce_f32(const float* x, float* y, i64 outer, i64 n, i64 inner, int op) {
    __shared__ float shared[KILN_BLOCK];
    for (i64 row = blockIdx.x; row < outer * inner; row += gridDim.x) {
        i64 o = row / inner;
        i64 k = row % inner;
        const float* base = x + o * n * inner + k;
        float identity = op == R_MAX ? -__int_as_float(0x7f800000) : (op == R_MIN ? __int_as_float(0x7f800000) : 0.f);
        float acc = identity;
        for (i64 j = threadIdx.x; j < n; j += blockDim.x) {
            float v = base[j * inner];
            acc = kiln_combine(op, acc, op == R_SUM_SQUARE ? v * v : v);
        }
        float r = kiln_block_reduce(acc, op == R_SUM_SQUARE || op == R_MEAN ? R_SUM : op, shared);
        if (threadIdx.x == 0) {
            y[row] = op == R_MEAN ? (n > 0 ? r / (float) n : __int_as_float(0x7fc00000)) : r;
        }
    }
}

// Softmax (or LogSoftmax when logOut != 0) over n, with the row maximum subtracted first.
extern "C" __global__ void softmax_f32(const float* x, float* y, i64 outer, i64 n, i64 inner, int logOut) {
    __shared__ float shared[KILN_BLOCK];
    for (i64 row = blockIdx.x; row < outer * inner; row += gridDim.x) {
        i64 o = row / inner;
        i64 k = row % inner;
        const float* in = x + o * n * inner + k;
        float* out = y + o * n * inner + k;
        float m = -__int_as_float(0x7f800000);
        for (i64 j = threadIdx.x; j < n; j += blockDim.x) {
            m = fmaxf(m, in[j * inner]);
        }
        m = kiln_block_reduce(m, R_MAX, shared);
        float s = 0.f;
        for (i64 j = threadIdx.x; j < n; j += blockDim.x) {
            s += expf(in[j * inner] - m);
        }
        s = kiln_block_reduce(s, R_SUM, shared);
        float logS = logf(s);
        for (i64 j = threadIdx.x; j < n; j += blockDim.x) {
            float d = in[j * inner] - m;
            out[j * inner] = logOut ? d - logS : expf(d) / s;
        }
    }
}

// LayerNormalization over the last n elements of each of `rows` rows: y = (x - mean) * invStd * scale + bias,
// with invStd = 1 / sqrt(var + epsilon) and the biased variance. mean and invStd get one value per row
// (either may be null). Two passes over the row (mean, then centred squares) for accuracy.
extern "C" __global__ void layer_norm_f32(const float* x, const float* scale, const float* bias, float* y,
                                          float* mean, float* invStd, i64 rows, i64 n, float epsilon) {
    __shared__ float shared[KILN_BLOCK];
    for (i64 row = blockIdx.x; row < rows; row += gridDim.x) {
        const float* in = x + row * n;
        float* out = y + row * n;
        float s = 0.f;
        for (i64 j = threadIdx.x; j < n; j += blockDim.x) {
            s += in[j];
        }
        float mu = kiln_block_reduce(s, R_SUM, shared) / (float) n;
        float q = 0.f;
        for (i64 j = threadIdx.x; j < n; j += blockDim.x) {
            float d = in[j] - mu;
            q += d * d;
        }
        float inv = rsqrtf(kiln_block_reduce(q, R_SUM, shared) / (float) n + epsilon);
        for (i64 j = threadIdx.x; j < n; j += blockDim.x) {
            float v = (in[j] - mu) * inv * scale[j];
            out[j] = bias ? v + bias[j] : v;
        }
        if (threadIdx.x == 0) {
            if (mean) mean[row] = mu;
            if (invStd) invStd[row] = inv;
        }
    }
}
