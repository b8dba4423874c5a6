package dev.kiln.runtime.exec;

import dev.kiln.api.ExecutionException;
import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Running a subgraph (If branch, Loop or Scan body) once, and the value checks control flow shares. Stateless. */
final class SubgraphCall {
    private SubgraphCall() {
    }

    /**
     * Runs {@code plan} in a new frame under {@code parent} with the given graph inputs. Returns its
     * outputs, each held once for the caller, who must {@link RunState#drop} them when done.
     */
    static RuntimeValue[] run(Node owner, GraphPlan plan, Frame parent, RunState run, RuntimeValue[] inputs) {
        Frame frame = new Frame(plan, parent);
        for (int i = 0; i < inputs.length; i++) {
            frame.put(plan.inputSlots[i], inputs[i], run);
        }
        Executor.execute(plan, frame, run, null);
        RuntimeValue[] outs = new RuntimeValue[plan.outputs.length];
        for (int k = 0; k < outs.length; k++) {
            RuntimeValue v = frame.get(plan.outputs[k]);
            if (v == null) {
                throw new ExecutionException("node " + owner.describe() + ": subgraph '" + plan.name + "' did not produce its output "
                        + k + " ('" + plan.outputNames.get(k) + "')");
            }
            run.hold(v);
            outs[k] = v;
        }
        frame.clearAll(run);
        return outs;
    }

    /** Releases the caller's hold on each non-null value. */
    static void dropAll(RunState run, RuntimeValue[] values) {
        for (RuntimeValue v : values) {
            if (v != null) {
                run.drop(v);
            }
        }
    }

    static Tensor tensor(Node node, RuntimeValue v, String what) {
        if (v instanceof Tensor t && t.isHost()) {
            return t;
        }
        throw new InvalidInputException("node " + node.describe() + ": " + what + " must be a host tensor, got "
                + (v == null ? "nothing" : v.describe()));
    }

    /** The single element of a one-element tensor (a scalar or shape [1]) as a long. */
    static long scalarLong(Node node, RuntimeValue v, String what) {
        Tensor t = tensor(node, v, what);
        if (t.elementCount() != 1) {
            throw new InvalidInputException("node " + node.describe() + ": " + what + " must hold one element, got " + t.describe());
        }
        return t.getLong(0);
    }

    static boolean scalarBool(Node node, RuntimeValue v, String what) {
        Tensor t = tensor(node, v, what);
        if (t.elementCount() != 1) {
            throw new InvalidInputException("node " + node.describe() + ": " + what + " must hold one element, got " + t.describe());
        }
        return t.getBoolean(0);
    }

    /**
     * Stacks one scan output's per-iteration tensors along {@code axis} (in reverse when asked). With no
     * iterations the result is empty, shaped from the subgraph output's declared type where known.
     */
    static Tensor stack(Node node, String outputName, List<Tensor> parts, long axisAttr, boolean reverse, ValueType declared,
                        HostMemory memory, RunState run) {
        if (parts.isEmpty()) {
            if (!(declared instanceof ValueType.TensorType tt)) {
                throw new ExecutionException("node " + node.describe() + ": scan output '" + outputName
                        + "' has no iterations and no declared element type to build an empty tensor from");
            }
            Shape s = tt.shape();
            long[] part = s == null ? new long[0] : s.dims();
            for (int i = 0; i < part.length; i++) {
                part[i] = Math.max(part[i], 0);
            }
            return TensorStacking.stack(List.of(), axis(node, axisAttr, part.length + 1, "scan output axis"), tt.elementType(), part, memory, run);
        }
        Tensor first = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            Tensor p = parts.get(i);
            if (p.dtype() != first.dtype() || !p.shape().equals(first.shape())) {
                throw new ExecutionException("node " + node.describe() + ": scan output '" + outputName + "' is " + first.describe()
                        + " in iteration 0 but " + p.describe() + " in iteration " + i + "; every iteration must give the same type and shape");
            }
        }
        List<Tensor> ordered = parts;
        if (reverse) {
            ordered = new ArrayList<>(parts);
            java.util.Collections.reverse(ordered);
        }
        int a = axis(node, axisAttr, first.rank() + 1, "scan output axis");
        return TensorStacking.stack(ordered, a, first.dtype(), first.dims(), memory, run);
    }

    /** An axis attribute normalised against a rank, accepting [-rank, rank-1]. */
    static int axis(Node node, long value, int rank, String what) {
        if (value < -rank || value >= rank) {
            throw new InvalidInputException("node " + node.describe() + ": " + what + " " + value + " is out of range for rank " + rank
                    + "; expected [" + -rank + ", " + (rank - 1) + "]");
        }
        return (int) (value < 0 ? value + rank : value);
    }
}
