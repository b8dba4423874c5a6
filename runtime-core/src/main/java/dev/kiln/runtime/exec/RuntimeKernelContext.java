package dev.kiln.runtime.exec;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Allocator;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The runtime's {@link KernelContext}: one kernel execution's inputs, the outputs it sets, and memory
 * from the backend's allocator. Used by the executor for every node; usable on its own to run a single
 * compiled kernel (then every non-empty output is requested and nothing is released).
 *
 * <p>Ownership: inputs stay the caller's. Tensors from {@link #allocate} belong to the caller once the
 * kernel returns; {@link #allocations()} lists them. Not thread-safe: one per execution.
 */
public final class RuntimeKernelContext implements KernelContext {
    private final Node node;
    private final int opset;
    private final RuntimeValue[] inputs;
    private final boolean[] requested;
    private final RuntimeValue[] outputs;
    private final Allocator allocator;
    private final RunState run;
    private List<Tensor> allocations;
    /** Which inputs the kernel may overwrite (donated, read last here); null: none. */
    private java.util.function.IntPredicate overwritable;
    /** Bytes reserved by {@link #reserveScratch} and not yet given back. */
    private long scratch;

    /**
     * A context for running one kernel outside a session.
     *
     * @param inputs    one entry per node input, null where absent; not copied
     * @param allocator the memory of the backend that compiled the kernel
     */
    public RuntimeKernelContext(Node node, int opsetVersion, RuntimeValue[] inputs, Allocator allocator) {
        this(node, opsetVersion, inputs, requestedOutputs(node), allocator, null);
    }

    RuntimeKernelContext(Node node, int opsetVersion, RuntimeValue[] inputs, boolean[] requested, Allocator allocator, RunState run) {
        this.node = Objects.requireNonNull(node, "node");
        this.opset = opsetVersion;
        this.inputs = Objects.requireNonNull(inputs, "inputs");
        this.requested = requested;
        this.outputs = new RuntimeValue[node.outputs().size()];
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.run = run;
    }

    static boolean[] requestedOutputs(Node node) {
        boolean[] r = new boolean[node.outputs().size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = !node.output(i).isEmpty();
        }
        return r;
    }

    @Override
    public Node node() {
        return node;
    }

    @Override
    public int inputCount() {
        return Math.max(inputs.length, node.inputs().size());
    }

    @Override
    public boolean hasInput(int i) {
        return i >= 0 && i < inputs.length && inputs[i] != null;
    }

    @Override
    public RuntimeValue input(int i) {
        return hasInput(i) ? inputs[i] : null;
    }

    @Override
    public Tensor tensor(int i) {
        RuntimeValue v = input(i);
        if (v instanceof Tensor t) {
            return t;
        }
        String label = "input " + i + (node.input(i).isEmpty() ? "" : " ('" + node.input(i) + "')");
        if (v == null) {
            throw new InvalidInputException(label + " is absent, but the kernel needs it");
        }
        throw new InvalidInputException(label + ": expected a tensor, got " + v.describe());
    }

    @Override
    public int outputCount() {
        return outputs.length;
    }

    @Override
    public boolean isOutputRequested(int i) {
        return i >= 0 && i < requested.length && requested[i];
    }

    @Override
    public void setOutput(int i, RuntimeValue value) {
        if (i < 0 || i >= outputs.length) {
            throw new IllegalArgumentException("output index " + i + " is out of range; the node has " + outputs.length + " outputs");
        }
        outputs[i] = value;
    }

    @Override
    public Tensor allocate(DType dtype, Shape shape) {
        return track(run != null ? run.allocate(allocator, dtype, shape, node.describe(), false) : allocator.allocate(dtype, shape));
    }

    @Override
    public Tensor allocateUninitialized(DType dtype, Shape shape) {
        return track(run != null ? run.allocate(allocator, dtype, shape, node.describe(), true) : allocator.allocateUninitialized(dtype, shape));
    }

    /** Lists a tensor this context handed out (the run owns it already) for {@link #allocations()}. */
    private Tensor track(Tensor t) {
        if (allocations == null) {
            allocations = new ArrayList<>(2);
        }
        allocations.add(t);
        return t;
    }

    @Override
    public void checkCancelled() {
        if (run != null && run.guard().stopRequested()) {
            throw run.guard().stopped(node.describe());
        }
    }

    @Override
    public void reserveScratch(long bytes, String what) {
        if (run != null && bytes > 0) {
            run.guard().reserve(bytes, "node " + node.describe() + ": " + what);
            scratch += bytes;
        }
    }

    /** Gives the scratch bytes the kernel reserved back to the budget; the kernel step calls it when the kernel returns. */
    void releaseScratch() {
        if (run != null && scratch > 0) {
            run.guard().release(scratch);
            scratch = 0;
        }
    }

    /** Sets the test for {@link #mayOverwriteInput}; the kernel step calls it for runs with donated inputs. */
    void overwritable(java.util.function.IntPredicate test) {
        this.overwritable = test;
    }

    @Override
    public boolean mayOverwriteInput(int i) {
        return overwritable != null && overwritable.test(i);
    }

    @Override
    public int opsetVersion() {
        return opset;
    }

    /** Output {@code i} as the kernel set it, or null; unrequested outputs are returned too. */
    public RuntimeValue output(int i) {
        return outputs[i];
    }

    /** The tensors allocated through this context, in order. */
    public List<Tensor> allocations() {
        return allocations == null ? List.of() : allocations;
    }
}
