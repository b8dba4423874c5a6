// Elementwise float32 kernels: unary ops by code, broadcasting binary ops, comparisons, Where.
#include "common.cuh"

// Unary op codes; the Java enum CudaUnaryOp lists the same numbers.
#define U_NEG 0
#define U_ABS 1
#define U_SQRT 2
#define U_EXP 3
#define U_LOG 4
#define U_TANH 5
#define U_ERF 6
#define U_RELU 7
#define U_SIGMOID 8
#define U_RECIPROCAL 9
#define U_SIGN 10
#define U_SIN 11
#define U_COS 12
#define U_GELU 13
#define U_LEAKY_RELU 14
#define U_SOFTPLUS 15
#define U_IDENTITY 16
#define U_GELU_TANH 17

__device__ __forceinline__ float kiln_unary(int op, float x, float alpha) {
    switch (op) {
        case U_NEG: return -x;
        case U_ABS: return fabsf(x);
        case U_SQRT: return sqrtf(x);
        case U_EXP: return expf(x);
        case U_LOG: return logf(x);
        case U_TANH: return tanhf(x);
        case U_ERF: return erff(x);
        case U_RELU: return x > 0.f ? x : 0.f;
        case U_SIGMOID: return 1.f / (1.f + expf(-x));
        case U_RECIPROCAL: return 1.f / x;
        case U_SIGN: return x > 0.f ? 1.f : (x < 0.f ? -1.f : 0.f);
        case U_SIN: return sinf(x);
        case U_COS: return cosf(x);
        case U_GELU: return 0.5f * x * (1.f + erff(x * 0.70710678118654752f));
        case U_LEAKY_RELU: return x >= 0.f ? x : alpha * x;
        case U_SOFTPLUS: return x > 20.f ? x : log1pf(expf(x));
        case U_IDENTITY: return x;
        case U_GELU_TANH: return 0.5f * x * (1.f + tanhf(0.7978845608028654f * (x + 0.044715f * x * x * x)));
        default: return __int_as_float(0x7fc00000);
    }
}

extern "C" __global__ void unary_f32(const float* x, float* y, i64 n, int op, float alpha) {
    KILN_GRID_LOOP(i, n) {
        y[i] = kiln_unary(op, x[i], alpha);
    }
}

// Binary op codes; the Java enum CudaBinaryOp lists the same numbers.
#define B_ADD 0
#define B_SUB 1
#define B_MUL 2
#define B_DIV 3
#define B_POW 4
#define B_MAX 5
#define B_MIN 6

__device__ __forceinline__ float kiln_pow(float a, float b) {
    // powf is exact enough for general exponents; squaring is the common case (LayerNorm's variance) and exact.
    if (b == 2.f) {
        return a * a;
    }
    if (b == 0.5f) {
        return sqrtf(a);
    }
    return powf(a, b);
}

__device__ __forceinline__ float kiln_binary(int op, float a, float b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_POW: return kiln_pow(a, b);
        case B_MAX: return fmaxf(a, b);
        case B_MIN: return fminf(a, b);
        default: return __int_as_float(0x7fc00000);
    }
}

// y = a op b, both operands contiguous with equal shapes: the fast path.
extern "C" __global__ void binary_same_f32(const float* a, const float* b, float* y, i64 n, int op) {
    KILN_GRID_LOOP(i, n) {
        y[i] = kiln_binary(op, a[i], b[i]);
    }
}

// y = a op b with numpy broadcasting: st.dims is the output shape, st.s[0] and st.s[1] the operands'
// strides (0 along broadcast axes).
extern "C" __global__ void binary_f32(const float* a, const float* b, float* y, i64 n, int op, Strides st) {
    KILN_GRID_LOOP(i, n) {
        y[i] = kiln_binary(op, a[kiln_offset(st, 0, i)], b[kiln_offset(st, 1, i)]);
    }
}

// Comparison op codes; the Java enum CudaCompareOp lists the same numbers. Output is bool (one byte).
#define C_EQUAL 0
#define C_GREATER 1
#define C_LESS 2
#define C_GREATER_EQUAL 3
#define C_LESS_EQUAL 4

extern "C" __global__ void compare_f32(const float* a, const float* b, u8* y, i64 n, int op, Strides st) {
    KILN_GRID_LOOP(i, n) {
        float x = a[kiln_offset(st, 0, i)];
        float z = b[kiln_offset(st, 1, i)];
        bool r;
        switch (op) {
            case C_EQUAL: r = x == z; break;
            case C_GREATER: r = x > z; break;
            case C_LESS: r = x < z; break;
            case C_GREATER_EQUAL: r = x >= z; break;
            default: r = x <= z; break;
        }
        y[i] = r ? 1 : 0;
    }
}

// y = c ? a : b with broadcasting over all three (c is bool).
extern "C" __global__ void where_f32(const u8* c, const float* a, const float* b, float* y, i64 n, Strides st) {
    KILN_GRID_LOOP(i, n) {
        y[i] = c[kiln_offset(st, 0, i)] ? a[kiln_offset(st, 1, i)] : b[kiln_offset(st, 2, i)];
    }
}

// Adds a bias of length m along the last axis of a [rows, m] matrix, then applies a unary op: the epilogue
// of a Gemm or FusedMatMul.
extern "C" __global__ void bias_act_f32(float* y, const float* bias, i64 rows, i64 m, int op, float alpha) {
    KILN_GRID_LOOP(i, rows * m) {
        float v = y[i] + (bias ? bias[i % m] : 0.f);
        y[i] = kiln_unary(op, v, alpha);
    }
}

// Fills n floats with a value.
extern "C" __global__ void fill_f32(float* y, i64 n, float v) {
    KILN_GRID_LOOP(i, n) {
        y[i] = v;
    }
}
