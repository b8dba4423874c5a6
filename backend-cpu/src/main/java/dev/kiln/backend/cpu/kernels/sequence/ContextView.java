package dev.kiln.backend.cpu.kernels.sequence;

import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.List;

/**
 * A context that shows a tensor kernel (Concat, Split) a sequence's tensors as its inputs and collects its
 * outputs, so the sequence kernels reuse those kernels instead of copying them. Memory still comes from
 * the real context. Not thread-safe, like the context it wraps.
 */
final class ContextView implements KernelContext {
    private final KernelContext outer;
    private final List<? extends RuntimeValue> inputs;
    private final RuntimeValue[] outputs;

    ContextView(KernelContext outer, List<? extends RuntimeValue> inputs, int outputCount) {
        this.outer = outer;
        this.inputs = inputs;
        this.outputs = new RuntimeValue[outputCount];
    }

    /** The outputs the wrapped kernel set. */
    RuntimeValue[] outputs() {
        return outputs;
    }

    @Override
    public Node node() {
        return outer.node();
    }

    @Override
    public int inputCount() {
        return inputs.size();
    }

    @Override
    public boolean hasInput(int i) {
        return i < inputs.size() && inputs.get(i) != null;
    }

    @Override
    public RuntimeValue input(int i) {
        return hasInput(i) ? inputs.get(i) : null;
    }

    @Override
    public Tensor tensor(int i) {
        if (input(i) instanceof Tensor t) {
            return t;
        }
        throw new IllegalStateException("sequence kernel passed no tensor as input " + i);
    }

    @Override
    public int outputCount() {
        return outputs.length;
    }

    @Override
    public boolean isOutputRequested(int i) {
        return true;
    }

    @Override
    public void setOutput(int i, RuntimeValue value) {
        outputs[i] = value;
    }

    @Override
    public Tensor allocate(DType dtype, Shape shape) {
        return outer.allocate(dtype, shape);
    }

    @Override
    public int opsetVersion() {
        return outer.opsetVersion();
    }
}
