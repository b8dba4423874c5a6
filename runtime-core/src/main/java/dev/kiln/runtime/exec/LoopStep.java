package dev.kiln.runtime.exec;

import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Loop (opset 11+): runs the body while the trip count {@code M} (when given) is not reached and
 * {@code cond} (when given) holds. The body gets the iteration number, the condition and the N
 * loop-carried values (tensors, sequences or optionals) and returns the next condition, the next carried
 * values and K scan outputs; the scan outputs of all iterations are stacked along a new first axis.
 * Without a {@code cond} input the body's condition output is ignored, as ONNX specifies.
 */
final class LoopStep implements Step {
    private final Node node;
    private final ValueRef maxTrips;
    private final ValueRef cond;
    private final ValueRef[] initial;
    private final GraphPlan body;
    private final List<ValueType> scanTypes;
    private final int[] outputs;
    private final HostMemory memory;
    private final List<ValueRef> reads;

    /**
     * @param maxTrips  input M, or null when absent
     * @param cond      input cond, or null when absent
     * @param scanTypes declared types of the body's scan outputs, entries null when unknown
     * @param outputs   one slot per node output (N carried, then K scans), -1 where absent
     */
    LoopStep(Node node, ValueRef maxTrips, ValueRef cond, ValueRef[] initial, GraphPlan body, List<ValueType> scanTypes, int[] outputs,
             HostMemory memory) {
        this.node = node;
        this.maxTrips = maxTrips;
        this.cond = cond;
        this.initial = initial;
        this.body = body;
        this.scanTypes = scanTypes;
        this.outputs = outputs;
        this.memory = memory;
        List<ValueRef> r = new ArrayList<>();
        if (maxTrips != null) {
            r.add(maxTrips);
        }
        if (cond != null) {
            r.add(cond);
        }
        for (ValueRef v : initial) {
            if (!r.contains(v)) {
                r.add(v);
            }
        }
        ControlFlowReads.addOuter(r, body);
        this.reads = List.copyOf(r);
    }

    @Override
    public void run(Frame frame, RunState run) {
        int n = initial.length;
        int k = scanTypes.size();
        RuntimeValue[] carried = new RuntimeValue[n];
        List<List<Tensor>> scans = new ArrayList<>(k);
        try {
            long max = maxTrips == null ? Long.MAX_VALUE : SubgraphCall.scalarLong(node, frame.get(maxTrips), "input 'M'");
            boolean keepGoing = cond == null || SubgraphCall.scalarBool(node, frame.get(cond), "input 'cond'");
            for (int j = 0; j < n; j++) {
                carried[j] = frame.get(initial[j]);
                run.hold(carried[j]);
            }
            for (int s = 0; s < k; s++) {
                scans.add(new ArrayList<>());
            }
            for (long i = 0; i < max && keepGoing; i++) {
                run.iteration(node);
                RuntimeValue[] in = new RuntimeValue[2 + n];
                in[0] = Tensor.scalar(i);
                in[1] = Tensor.scalar(keepGoing);
                System.arraycopy(carried, 0, in, 2, n);
                RuntimeValue[] out = SubgraphCall.run(node, body, frame, run, in);
                SubgraphCall.dropAll(run, carried);
                boolean next = SubgraphCall.scalarBool(node, out[0], "body output 0 (condition)");
                run.drop(out[0]);
                if (cond != null) {
                    keepGoing = next;
                }
                System.arraycopy(out, 1, carried, 0, n);
                for (int s = 0; s < k; s++) {
                    scans.get(s).add(SubgraphCall.tensor(node, out[1 + n + s], "scan output " + s + " ('" + body.outputNames.get(1 + n + s) + "')"));
                }
            }
            for (int j = 0; j < n; j++) {
                if (outputs[j] >= 0) {
                    frame.put(outputs[j], carried[j], run);
                }
            }
            for (int s = 0; s < k; s++) {
                if (outputs[n + s] >= 0) {
                    Tensor stacked = SubgraphCall.stack(node, body.outputNames.get(1 + n + s), scans.get(s), 0, false, scanTypes.get(s), memory, run);
                    frame.put(outputs[n + s], stacked, run);
                }
            }
        } catch (RuntimeException e) {
            throw NodeErrors.inNode(node, e);
        }
        SubgraphCall.dropAll(run, carried);
        for (List<Tensor> parts : scans) {
            parts.forEach(run::drop);
        }
    }

    @Override
    public List<ValueRef> reads() {
        return reads;
    }

    @Override
    public int[] writes() {
        return ControlFlowReads.present(outputs);
    }

    @Override
    public String describe() {
        return node.describe();
    }
}
