package dev.kiln.example;

import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.spi.Allocator;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.spi.NodeQuery;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;

/**
 * The example backend: float32 elementwise math, activations and MatMul, computed in plain Java on
 * tensors held in {@link ExampleMemory}. Thread-safe: it keeps no mutable state.
 * Claims a node only when every input is known to be a float32 tensor, so the runtime never hands it
 * integer shape arithmetic. The IR gives each op its canonical (latest) semantics whatever opset the model
 * imported, so the opset version needs no check for these ops.
 */
final class ExampleBackend implements Backend {
    private final Allocator allocator = new Allocator() {
        @Override
        public Tensor allocate(DType dtype, Shape shape) {
            requireFloat(dtype, "allocate");
            return Tensor.onDevice(dtype, shape, new ExampleMemory(new float[Math.toIntExact(shape.elementCount())]));
        }

        @Override
        public void release(Tensor tensor) {
            if (tensor.deviceMemory() instanceof ExampleMemory m) {
                m.release();
            }
        }

        @Override
        public long pooledBytes() {
            return 0;
        }
    };

    @Override
    public String id() {
        return ExampleBackendProvider.ID;
    }

    @Override
    public boolean supports(NodeQuery q) {
        Node n = q.node();
        if (!n.domain().isEmpty() || !ExampleOps.claims(n.opType()) || q.inputTypes() == null) {
            return false;
        }
        int arity = ExampleOps.UNARY.contains(n.opType()) ? 1 : 2;
        if (n.inputs().size() != arity || q.inputTypes().size() != arity) {
            return false;
        }
        for (ValueType t : q.inputTypes()) {
            if (!(t instanceof ValueType.TensorType tt) || tt.elementType() != DType.FLOAT) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Kernel compile(KernelRequest request) {
        Node n = request.node();
        if (!n.domain().isEmpty() || !ExampleOps.claims(n.opType())) {
            throw new UnsupportedOpException(n.opType(), n.domain(), request.opsetVersion(),
                    "the example backend runs float32 " + ExampleOps.UNARY + ", " + ExampleOps.BINARY + " and MatMul only");
        }
        if (ExampleOps.MATMUL.equals(n.opType())) {
            return ExampleMatMul::execute;
        }
        if (ExampleOps.BINARY.contains(n.opType())) {
            return ExampleKernels.binary(ExampleOps.binary(n.opType()));
        }
        return ExampleKernels.unary(ExampleOps.unary(n));
    }

    @Override
    public Allocator allocator() {
        return allocator;
    }

    @Override
    public Tensor toHost(Tensor tensor) {
        if (tensor.isHost()) {
            return tensor;
        }
        return Tensor.wrap(DType.FLOAT, tensor.shape(), ExampleKernels.floats(tensor).clone());
    }

    @Override
    public Tensor fromHost(Tensor tensor) {
        if (!tensor.isHost()) {
            return tensor;
        }
        requireFloat(tensor.dtype(), "copy in");
        return Tensor.onDevice(DType.FLOAT, tensor.shape(), new ExampleMemory(tensor.floatData().clone()));
    }

    @Override
    public void close() {
        // nothing is held between runs; a device backend would free its pools and context here
    }

    private static void requireFloat(DType dtype, String what) {
        if (dtype != DType.FLOAT) {
            throw new UnsupportedOperationException("example backend: cannot " + what + " a " + dtype + " tensor; it holds float32 only");
        }
    }
}
