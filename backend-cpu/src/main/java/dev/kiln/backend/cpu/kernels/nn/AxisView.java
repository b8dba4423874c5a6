package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.tensor.Tensor;

/**
 * A tensor viewed as (outer, n, inner) around one axis: {@code n} is that axis' size, {@code outer} the
 * product of the dimensions before it and {@code inner} of those after.
 */
record AxisView(int axis, int outer, int n, int inner) {

    /** Resolves a possibly negative axis attribute against x's rank; throws naming the op when out of range. */
    static AxisView of(String op, Tensor x, long axisAttribute) {
        int rank = x.rank();
        int axis = normalize(op, axisAttribute, rank, x.describe());
        int outer = 1;
        int inner = 1;
        for (int i = 0; i < axis; i++) {
            outer *= (int) x.dim(i);
        }
        for (int i = axis + 1; i < rank; i++) {
            inner *= (int) x.dim(i);
        }
        return new AxisView(axis, outer, rank == 0 ? 1 : (int) x.dim(axis), inner);
    }

    static int normalize(String op, long axis, int rank, String described) {
        int r = Math.max(rank, 1);
        if (axis < -r || axis >= r) {
            throw new InvalidInputException(op + ": attribute 'axis' is " + axis + " but the input " + described
                    + " allows [" + -r + ", " + (r - 1) + "]");
        }
        return (int) (axis < 0 ? axis + r : axis);
    }
}
