package dev.kiln.backend.cpu.testing;

import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.BackendContext;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuBackend;
import dev.kiln.backend.cpu.CpuKernelRegistry;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.TensorAssert;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one node through the CPU backend's kernel, without the runtime: compiles it with the given
 * opset (initializer-like constant inputs are not declared) and executes it once.
 */
public final class KernelHarness {
    private static final CpuBackend BACKEND = new CpuBackend(new BackendContext(2, Map.of()), CpuKernelRegistry.defaultRegistry());

    /** Default opset used by {@link #run(Node, RuntimeValue...)}: the newest the node suite uses. */
    public static final int DEFAULT_OPSET = 23;

    private KernelHarness() {
    }

    public static CpuBackend backend() {
        return BACKEND;
    }

    /** Runs the node at {@link #DEFAULT_OPSET}; absent optional inputs are passed as null. */
    public static List<RuntimeValue> run(Node node, RuntimeValue... inputs) {
        return run(node, DEFAULT_OPSET, Arrays.asList(inputs));
    }

    /** Runs the node at the given opset; returns one entry per node output (null where not requested). */
    public static List<RuntimeValue> run(Node node, int opset, List<? extends RuntimeValue> inputs) {
        Map<Integer, Tensor> none = new HashMap<>();
        Kernel k = BACKEND.compile(new KernelRequest(node, opset, null, null, none));
        Context ctx = new Context(node, opset, inputs);
        k.execute(ctx);
        for (int i = 0; i < node.outputs().size(); i++) {
            if (ctx.isOutputRequested(i) && ctx.outputs[i] == null) {
                throw new AssertionError("kernel for " + node.describe() + " did not set output " + i);
            }
        }
        return Arrays.asList(ctx.outputs);
    }

    /**
     * Executes an already compiled kernel for {@code node} (one built directly, say with a constant input or a
     * forced code path) on {@code inputs}; returns its first output.
     */
    public static Tensor executeOne(Kernel kernel, Node node, int opset, List<? extends RuntimeValue> inputs) {
        Context ctx = new Context(node, opset, inputs);
        kernel.execute(ctx);
        return (Tensor) ctx.outputs[0];
    }

    /**
     * Runs the node with the inputs in {@code overwritable} reported as writable in place
     * ({@link KernelContext#mayOverwriteInput}), as the runtime does for a last reader; returns its first output.
     */
    public static Tensor runOverwriting(Node node, int opset, List<? extends RuntimeValue> inputs, java.util.Set<Integer> overwritable) {
        Kernel k = BACKEND.compile(new KernelRequest(node, opset, null, null, new HashMap<>()));
        Context ctx = new Context(node, opset, inputs);
        ctx.overwritable = overwritable;
        k.execute(ctx);
        return (Tensor) ctx.outputs[0];
    }

    /** Convenience for single-output float nodes. */
    public static Tensor runOne(Node node, RuntimeValue... inputs) {
        return (Tensor) run(node, inputs).get(0);
    }

    /**
     * Runs the node in Kiln and in ONNX Runtime on the same inputs and asserts every output agrees
     * within {@code |kiln - ort| <= atol + rtol * |ort|}. Returns Kiln's outputs.
     */
    public static List<RuntimeValue> assertMatchesOrt(Node node, int opset, double rtol, double atol, Tensor... inputs) {
        List<RuntimeValue> kiln = run(node, opset, Arrays.asList(inputs));
        List<DType> types = new ArrayList<>();
        for (RuntimeValue v : kiln) {
            types.add(v instanceof Tensor t ? t.dtype() : null);
        }
        List<Tensor> ort = OrtReference.runNode(node, opset, Arrays.asList(inputs), types);
        for (int i = 0; i < kiln.size(); i++) {
            if (kiln.get(i) == null) {
                continue;
            }
            String d = TensorAssert.difference(ort.get(i), (Tensor) kiln.get(i), rtol, atol);
            if (d != null) {
                throw new AssertionError(node.describe() + " output " + i + " differs from ONNX Runtime: " + d);
            }
        }
        return kiln;
    }

    private static final class Context implements KernelContext {
        private final Node node;
        private final int opset;
        private final List<RuntimeValue> inputs;
        private final RuntimeValue[] outputs;
        private java.util.Set<Integer> overwritable = java.util.Set.of();

        Context(Node node, int opset, List<? extends RuntimeValue> inputs) {
            this.node = node;
            this.opset = opset;
            this.inputs = new ArrayList<>(inputs);
            this.outputs = new RuntimeValue[node.outputs().size()];
        }

        @Override
        public Node node() {
            return node;
        }

        @Override
        public boolean mayOverwriteInput(int i) {
            return overwritable.contains(i) && hasInput(i);
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
            RuntimeValue v = input(i);
            if (!(v instanceof Tensor t)) {
                throw new IllegalArgumentException("input " + i + " of " + node.describe() + " is " + (v == null ? "absent" : v.describe()));
            }
            return t;
        }

        @Override
        public int outputCount() {
            return outputs.length;
        }

        @Override
        public boolean isOutputRequested(int i) {
            return i < outputs.length && !node.output(i).isEmpty();
        }

        @Override
        public void setOutput(int i, RuntimeValue value) {
            outputs[i] = value;
        }

        @Override
        public Tensor allocate(DType dtype, Shape shape) {
            return BACKEND.allocator().allocate(dtype, shape);
        }

        /** Filled with NaN rather than zeros, so a kernel that leaves an element unwritten fails its comparison. */
        @Override
        public Tensor allocateUninitialized(DType dtype, Shape shape) {
            Tensor t = BACKEND.allocator().allocateUninitialized(dtype, shape);
            if (t.data() instanceof float[] f) {
                Arrays.fill(f, Float.NaN);
            } else if (t.data() instanceof double[] d) {
                Arrays.fill(d, Double.NaN);
            }
            return t;
        }

        @Override
        public int opsetVersion() {
            return opset;
        }
    }
}
