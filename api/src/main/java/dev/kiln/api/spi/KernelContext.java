package dev.kiln.api.spi;

import dev.kiln.api.Stable;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;

/**
 * One execution of a kernel: its inputs, a place for its outputs, and memory to build them in.
 * Input tensors belong to the runtime and must not be modified. Not thread-safe: used by one thread.
 */
@Stable
public interface KernelContext {
    Node node();

    /** Number of input slots, including absent optional ones. */
    int inputCount();

    /** True when input {@code i} is given (not an absent optional input). */
    boolean hasInput(int i);

    /** Input {@code i}, or null when absent. */
    RuntimeValue input(int i);

    /** Input {@code i} as a tensor; throws naming the input when it is absent or not a tensor. */
    Tensor tensor(int i);

    /** Number of output slots the node declares. */
    int outputCount();

    /** False when output {@code i} is absent (an empty name) and need not be computed. */
    boolean isOutputRequested(int i);

    void setOutput(int i, RuntimeValue value);

    /**
     * A new zero-filled tensor in this backend's memory for an output or a temporary (the memory may be
     * recycled from earlier runs; it is zeroed before it is handed out).
     */
    Tensor allocate(DType dtype, Shape shape);

    /**
     * As {@link #allocate}, but the elements are unspecified: for an output the kernel overwrites
     * completely, so recycled memory need not be cleared first. The default clears like {@link #allocate}.
     */
    default Tensor allocateUninitialized(DType dtype, Shape shape) {
        return allocate(dtype, shape);
    }

    /**
     * Whether the kernel may write into input {@code i}'s storage and set it (the same tensor) as an output
     * of the same element type and shape: true only when that storage is an intermediate the run allocated
     * or an input the caller donated to the run, and this node is its last reader under every name (no
     * other slot, view or graph output still holds it). A kernel that does so must read each element
     * before it overwrites it. The answer holds for this execution only. The default is false: inputs are
     * never written.
     */
    default boolean mayOverwriteInput(int i) {
        return false;
    }

    /** The opset version of the node's domain the model imports. */
    int opsetVersion();

    /**
     * Throws {@link dev.kiln.api.RunCancelledException} (or its {@link dev.kiln.api.RunTimeoutException})
     * when the run this kernel belongs to was cancelled or passed its deadline. Cheap (a volatile read and,
     * with a deadline, a clock read): kernels whose work depends on input values call it every so often
     * in their outer loops so that one enormous kernel stops within a bounded time. The default does nothing.
     */
    default void checkCancelled() {
    }

    /**
     * Charges {@code bytes} of memory the kernel is about to allocate itself (not through {@link #allocate},
     * which is charged already) against the run's memory budget, naming {@code what} in the error; throws
     * {@link dev.kiln.api.MemoryBudgetException} before anything is allocated when it does not fit. The
     * charge lasts until the kernel returns. The default does nothing.
     */
    default void reserveScratch(long bytes, String what) {
    }
}
