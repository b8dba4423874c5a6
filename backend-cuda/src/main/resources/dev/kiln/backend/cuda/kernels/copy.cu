// Data movement of any element type, by element size: strided copies (Transpose, Slice, Expand, Concat),
// Gather, and Cast.
#include "common.cuh"

// y[yoff + offset(1, i)] = x[xoff + offset(0, i)] for every i of the walk over st.dims. Transpose uses
// permuted input strides, Slice scaled ones and a start offset, Expand zero strides, Concat output strides.
#define KILN_COPY(name, T) \
    extern "C" __global__ void name(const T* x, T* y, i64 n, i64 xoff, i64 yoff, Strides st) { \
        KILN_GRID_LOOP(i, n) { \
            y[yoff + kiln_offset(st, 1, i)] = x[xoff + kiln_offset(st, 0, i)]; \
        } \
    }

KILN_COPY(copy_strided_1, u8)
KILN_COPY(copy_strided_2, unsigned short)
KILN_COPY(copy_strided_4, float)
KILN_COPY(copy_strided_8, i64)

// y[o, j, k] = x[o, idx[j], k] with x of shape [outer, axisLen, inner] and y of shape [outer, nIdx, inner].
// Negative indices count from the end; an index out of range writes 0 and sets *bad (checked by the host).
#define KILN_GATHER(name, T, I) \
    extern "C" __global__ void name(const T* x, const I* idx, T* y, i64 outer, i64 axisLen, i64 nIdx, i64 inner, int* bad) { \
        KILN_GRID_LOOP(i, outer * nIdx * inner) { \
            i64 k = i % inner; \
            i64 j = (i / inner) % nIdx; \
            i64 o = i / (inner * nIdx); \
            i64 a = (i64) idx[j]; \
            if (a < 0) a += axisLen; \
            if (a < 0 || a >= axisLen) { \
                y[i] = (T) 0; \
                *bad = 1; \
            } else { \
                y[i] = x[(o * axisLen + a) * inner + k]; \
            } \
        } \
    }

KILN_GATHER(gather_4_i64, float, i64)
KILN_GATHER(gather_4_i32, float, int)
KILN_GATHER(gather_8_i64, i64, i64)
KILN_GATHER(gather_8_i32, i64, int)

// Element type codes for Cast; the Java class CudaCastKernel lists the same numbers.
#define T_F32 0
#define T_F64 1
#define T_I32 2
#define T_I64 3
#define T_BOOL 4

__device__ __forceinline__ double kiln_load_f(const void* p, int t, i64 i) {
    switch (t) {
        case T_F32: return ((const float*) p)[i];
        case T_F64: return ((const double*) p)[i];
        case T_I32: return ((const int*) p)[i];
        case T_I64: return (double) ((const i64*) p)[i];
        default: return ((const u8*) p)[i] ? 1.0 : 0.0;
    }
}

// Float to integer truncates toward zero as C does; NaN and out-of-range values are undefined in ONNX.
extern "C" __global__ void cast(const void* x, void* y, i64 n, int from, int to) {
    KILN_GRID_LOOP(i, n) {
        bool intToInt = (from == T_I32 || from == T_I64 || from == T_BOOL) && (to == T_I32 || to == T_I64);
        if (intToInt) {
            i64 v = from == T_I64 ? ((const i64*) x)[i] : (from == T_I32 ? (i64) ((const int*) x)[i] : (i64) (((const u8*) x)[i] != 0));
            if (to == T_I64) ((i64*) y)[i] = v; else ((int*) y)[i] = (int) v;
            continue;
        }
        double v = kiln_load_f(x, from, i);
        switch (to) {
            case T_F32: ((float*) y)[i] = (float) v; break;
            case T_F64: ((double*) y)[i] = v; break;
            case T_I32: ((int*) y)[i] = (int) v; break;
            case T_I64: ((i64*) y)[i] = (i64) v; break;
            default: ((u8*) y)[i] = v != 0.0 ? 1 : 0; break;
        }
    }
}
