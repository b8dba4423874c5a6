package dev.kiln.runtime.exec;

import dev.kiln.api.ExecutionException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Backend;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Runs one node's compiled kernel on its backend. */
final class KernelStep implements Step {
    private final Node node;
    private final int opset;
    private final Backend backend;
    private final Kernel kernel;
    /** One per node input; null where the input is absent. */
    private final ValueRef[] inputs;
    /** One per node output; -1 where the output is absent. */
    private final int[] outputs;
    private final boolean[] requested;
    private final List<ValueRef> reads;
    private final int[] writes;
    /** Local slots this step is the last reader of (set once by the plan, from liveness). */
    private int[] lastReads = new int[0];

    KernelStep(Node node, int opset, Backend backend, Kernel kernel, ValueRef[] inputs, int[] outputs, boolean[] requested) {
        this.node = node;
        this.opset = opset;
        this.backend = backend;
        this.kernel = kernel;
        this.inputs = inputs;
        this.outputs = outputs;
        this.requested = requested;
        List<ValueRef> r = new ArrayList<>();
        for (ValueRef in : inputs) {
            if (in != null) {
                r.add(in);
            }
        }
        this.reads = List.copyOf(r);
        this.writes = java.util.Arrays.stream(outputs).filter(s -> s >= 0).toArray();
    }

    /**
     * {@code -Dkiln.profile.detail=true}: profiles key each kernel's time by op type, attributes and input shapes
     * instead of op type alone (which nodes of a type dominate; read once per JVM).
     */
    private static final boolean DETAIL = Boolean.getBoolean("kiln.profile.detail");

    @Override
    public void run(Frame frame, RunState run) {
        RuntimeValue[] in = new RuntimeValue[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            in[i] = inputs[i] == null ? null : frame.get(inputs[i]);
        }
        RuntimeKernelContext ctx = new RuntimeKernelContext(node, opset, in, requested, backend.allocator(), run);
        ctx.overwritable(i -> overwritable(i, in, run));
        OpTimer timer = run.timer();
        long start = timer == null ? 0 : System.nanoTime();
        try {
            kernel.execute(ctx);
        } catch (RuntimeException e) {
            throw NodeErrors.inNode(node, e);
        } catch (OutOfMemoryError e) {
            throw NodeErrors.outOfMemory(node, e);
        } finally {
            ctx.releaseScratch();
        }
        if (timer != null) {
            String key = node.domain().isEmpty() ? node.opType() : node.domain() + "::" + node.opType();
            if (DETAIL) {
                StringBuilder sb = new StringBuilder(key);
                node.attributes().forEach((k, a) -> sb.append(' ').append(a));
                for (RuntimeValue v : in) {
                    sb.append(' ').append(v instanceof dev.kiln.api.tensor.Tensor t ? t.shape().toString() : "-");
                }
                key = sb.toString();
            }
            timer.record(key, backend.id(), System.nanoTime() - start);
        }
        for (int k = 0; k < outputs.length; k++) {
            if (!requested[k]) {
                continue;
            }
            RuntimeValue v = ctx.output(k);
            if (v == null) {
                throw new ExecutionException("node " + node.describe() + ": the " + backend.id() + " kernel did not set output " + k
                        + " ('" + node.output(k) + "')");
            }
            frame.put(outputs[k], v, run);
        }
        for (Tensor t : ctx.allocations()) {
            run.releaseIfUnheld(t);
        }
    }

    /** Called once by the plan that holds this step: the local slots emptied after it. */
    void lastReaderOf(int[] slots) {
        this.lastReads = slots.clone();
    }

    /**
     * Input {@code i} may be written in place when it is a tensor this run allocated or the caller donated,
     * in a local slot this step reads last, that slot is the only holder of its storage, and no other input
     * of the node shares the storage.
     */
    private boolean overwritable(int i, RuntimeValue[] in, RunState run) {
        if (i < 0 || i >= in.length || !(in[i] instanceof Tensor t) || inputs[i].depth() != 0) {
            return false;
        }
        boolean last = false;
        for (int s : lastReads) {
            last |= s == inputs[i].slot();
        }
        if (!last || !run.soleHolder(t)) {
            return false;
        }
        Object storage = RunState.backing(t);
        for (int j = 0; j < in.length; j++) {
            if (j != i && in[j] instanceof Tensor other && RunState.backing(other) == storage) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<ValueRef> reads() {
        return reads;
    }

    @Override
    public int[] writes() {
        return writes;
    }

    @Override
    public String describe() {
        return node.describe() + " on " + backend.id();
    }
}
