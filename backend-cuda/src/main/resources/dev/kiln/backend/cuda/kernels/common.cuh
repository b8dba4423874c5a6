// Shared by every Kiln CUDA kernel source. Compiled by NVRTC at load time (and by nvcc in the build's
// PTX check), so it uses no system header.
#pragma once

#define KILN_MAX_RANK 8

typedef long long i64;
typedef unsigned char u8;

// Index arithmetic of a strided walk over a logical shape: element i of the walk (in row-major order over
// dims) sits at sum(coord[d] * s[k][d]) in operand k. Laid out as 33 int64 values, passed by value.
struct Strides {
    i64 rank;
    i64 dims[KILN_MAX_RANK];
    i64 s[3][KILN_MAX_RANK];
};

__device__ __forceinline__ i64 kiln_offset(const Strides& st, int k, i64 i) {
    i64 off = 0;
    for (int d = (int) st.rank - 1; d >= 0; --d) {
        i64 c = i % st.dims[d];
        i /= st.dims[d];
        off += c * st.s[k][d];
    }
    return off;
}

#define KILN_GRID_LOOP(i, n) \
    for (i64 i = (i64) blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (i64) blockDim.x * gridDim.x)
