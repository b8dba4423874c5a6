package dev.kiln.backend.cpu.kernels.reduction;

import dev.kiln.backend.cpu.kernels.tensor.StridedCopy;

/**
 * How a reduction walks its input: as {@code [outer, reduced, inner]} after merging neighbouring axes of
 * the same kind. When the reduced axes are not one contiguous group, the input is first transposed so the
 * kept axes come first ({@link #needsTranspose}), which makes it {@code [kept, reduced, 1]}.
 *
 * @param outer          product of the kept axes before the reduced group
 * @param reduced        number of elements each output combines
 * @param inner          product of the kept axes after the reduced group
 * @param needsTranspose true when the input must be reordered with {@link #transposeSource}
 * @param dims           the input's dimensions (for the transpose)
 * @param reducedAxes    which axes are reduced (for the transpose)
 */
record ReducePlan(int outer, int reduced, int inner, boolean needsTranspose, int[] dims, boolean[] reducedAxes) {

    static ReducePlan of(int[] dims, boolean[] reducedAxes) {
        int groups = 0;
        int firstReduced = -1;
        int lastReduced = -1;
        Boolean previous = null;
        for (int k = 0; k < dims.length; k++) {
            if (dims[k] == 1) {
                continue;
            }
            boolean r = reducedAxes[k];
            if (r) {
                if (firstReduced < 0) {
                    firstReduced = k;
                }
                lastReduced = k;
                if (previous == null || !previous) {
                    groups++;
                }
            }
            previous = r;
        }
        int total = product(dims, 0, dims.length);
        if (groups == 0) {
            return new ReducePlan(total, 1, 1, false, dims, reducedAxes);
        }
        if (groups == 1) {
            return new ReducePlan(product(dims, 0, firstReduced), product(dims, firstReduced, lastReduced + 1),
                    product(dims, lastReduced + 1, dims.length), false, dims, reducedAxes);
        }
        long reduced = 1;
        long kept = 1;
        for (int k = 0; k < dims.length; k++) {
            if (reducedAxes[k]) {
                reduced *= dims[k];
            } else {
                kept *= dims[k];
            }
        }
        return new ReducePlan((int) kept, (int) reduced, 1, true, dims, reducedAxes);
    }

    /** Copies {@code src} (the input's storage array) into {@code dst} with kept axes first, reduced axes last. */
    void transposeSource(Object src, Object dst, dev.kiln.backend.cpu.CpuExecution execution) {
        int rank = dims.length;
        int[] strides = StridedCopy.contiguousStrides(dims);
        int[] order = new int[rank];
        int j = 0;
        for (int k = 0; k < rank; k++) {
            if (!reducedAxes[k]) {
                order[j++] = k;
            }
        }
        for (int k = 0; k < rank; k++) {
            if (reducedAxes[k]) {
                order[j++] = k;
            }
        }
        int[] d = new int[rank];
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            d[i] = dims[order[i]];
            s[i] = strides[order[i]];
        }
        StridedCopy.copy(src, 0, s, dst, 0, d, execution);
    }

    private static int product(int[] dims, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= dims[i];
        }
        return Math.toIntExact(p);
    }
}
