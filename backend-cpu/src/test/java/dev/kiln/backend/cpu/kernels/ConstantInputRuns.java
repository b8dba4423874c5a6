package dev.kiln.backend.cpu.kernels;

import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import java.util.Map;

/**
 * Compiles a node with some inputs declared constant (as initializers are), so that tests reach the
 * kernels' prepacked-weight paths, which {@link KernelHarness} does not declare. Single-output nodes only.
 */
public final class ConstantInputRuns {
    private final Node node;
    private final Kernel kernel;

    public ConstantInputRuns(Node node, int opset, Map<Integer, Tensor> constants) {
        this.node = node;
        this.kernel = KernelHarness.backend().compile(new KernelRequest(node, opset, null, null, constants));
    }

    /** Runs an already constructed kernel of {@code node} (one a test built directly, to pick its code path). */
    public ConstantInputRuns(Node node, Kernel kernel) {
        this.node = node;
        this.kernel = kernel;
    }

    /** Executes the compiled kernel once on the given inputs and returns output 0. */
    public Tensor run(Tensor... inputs) {
        Tensor[] out = new Tensor[1];
        kernel.execute(new KernelContext() {
            @Override
            public Node node() {
                return node;
            }

            @Override
            public int inputCount() {
                return inputs.length;
            }

            @Override
            public boolean hasInput(int i) {
                return i < inputs.length && inputs[i] != null;
            }

            @Override
            public RuntimeValue input(int i) {
                return hasInput(i) ? inputs[i] : null;
            }

            @Override
            public Tensor tensor(int i) {
                return inputs[i];
            }

            @Override
            public int outputCount() {
                return 1;
            }

            @Override
            public boolean isOutputRequested(int i) {
                return i == 0;
            }

            @Override
            public void setOutput(int i, RuntimeValue value) {
                out[i] = (Tensor) value;
            }

            @Override
            public Tensor allocate(DType dtype, Shape shape) {
                return Tensor.zeros(dtype, shape);
            }

            @Override
            public int opsetVersion() {
                return 13;
            }
        });
        return out[0];
    }
}
