package dev.kiln.backend.cpu.kernels.string;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;

/** Input checks shared by the string kernels. Stateless. */
final class Strings {
    private Strings() {
    }

    /** The elements of a string tensor; {@code what} names the input in the error. */
    static String[] of(Tensor t, String what) {
        if (t.dtype() != DType.STRING) {
            throw new InvalidInputException(what + ": expected a string tensor, got " + t.describe());
        }
        return t.stringData();
    }
}
