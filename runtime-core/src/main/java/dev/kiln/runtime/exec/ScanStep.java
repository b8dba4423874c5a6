package dev.kiln.runtime.exec;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Scan (opset 9+): N state values and M scan inputs. Each iteration the body gets the state and one
 * slice of every scan input (along its {@code scan_input_axes} entry, from the end when its direction
 * is 1) and returns the next state and K scan output slices, which are stacked along
 * {@code scan_output_axes} (in reverse when the output direction is 1).
 */
final class ScanStep implements Step {
    private final Node node;
    private final ValueRef[] state;
    private final ValueRef[] scanInputs;
    private final long[] inputAxes;
    private final long[] inputDirections;
    private final long[] outputAxes;
    private final long[] outputDirections;
    private final GraphPlan body;
    private final List<ValueType> scanTypes;
    private final int[] outputs;
    private final HostMemory memory;
    private final List<ValueRef> reads;

    ScanStep(Node node, ValueRef[] state, ValueRef[] scanInputs, long[] inputAxes, long[] inputDirections, long[] outputAxes,
             long[] outputDirections, GraphPlan body, List<ValueType> scanTypes, int[] outputs, HostMemory memory) {
        this.node = node;
        this.state = state;
        this.scanInputs = scanInputs;
        this.inputAxes = inputAxes;
        this.inputDirections = inputDirections;
        this.outputAxes = outputAxes;
        this.outputDirections = outputDirections;
        this.body = body;
        this.scanTypes = scanTypes;
        this.outputs = outputs;
        this.memory = memory;
        List<ValueRef> r = new ArrayList<>();
        for (ValueRef v : state) {
            if (!r.contains(v)) {
                r.add(v);
            }
        }
        for (ValueRef v : scanInputs) {
            if (!r.contains(v)) {
                r.add(v);
            }
        }
        ControlFlowReads.addOuter(r, body);
        this.reads = List.copyOf(r);
    }

    @Override
    public void run(Frame frame, RunState run) {
        int n = state.length;
        int m = scanInputs.length;
        int k = scanTypes.size();
        RuntimeValue[] carried = new RuntimeValue[n];
        List<List<Tensor>> scans = new ArrayList<>(k);
        try {
            Tensor[] xs = new Tensor[m];
            int[] axes = new int[m];
            long length = -1;
            for (int j = 0; j < m; j++) {
                String label = "scan input " + j + " ('" + node.input(n + j) + "')";
                xs[j] = SubgraphCall.tensor(node, frame.get(scanInputs[j]), label);
                if (xs[j].rank() == 0) {
                    throw new InvalidInputException(label + " is a scalar; a scan input needs an axis to iterate over");
                }
                axes[j] = SubgraphCall.axis(node, inputAxes[j], xs[j].rank(), label + " axis");
                long len = xs[j].dim(axes[j]);
                if (length >= 0 && len != length) {
                    throw new InvalidInputException(label + " " + xs[j].describe() + " has " + len + " elements along axis " + axes[j]
                            + ", but scan input 0 has " + length + "; every scan input must have the same sequence length");
                }
                length = len;
            }
            for (int j = 0; j < n; j++) {
                carried[j] = frame.get(state[j]);
                run.hold(carried[j]);
            }
            for (int s = 0; s < k; s++) {
                scans.add(new ArrayList<>());
            }
            for (int t = 0; t < Math.max(length, 0); t++) {
                run.iteration(node);
                RuntimeValue[] in = new RuntimeValue[n + m];
                System.arraycopy(carried, 0, in, 0, n);
                for (int j = 0; j < m; j++) {
                    int index = inputDirections[j] == 1 ? (int) length - 1 - t : t;
                    in[n + j] = TensorStacking.slice(xs[j], axes[j], index, memory, run);
                }
                RuntimeValue[] out = SubgraphCall.run(node, body, frame, run, in);
                SubgraphCall.dropAll(run, carried);
                System.arraycopy(out, 0, carried, 0, n);
                for (int s = 0; s < k; s++) {
                    scans.get(s).add(SubgraphCall.tensor(node, out[n + s], "scan output " + s + " ('" + body.outputNames.get(n + s) + "')"));
                }
            }
            for (int j = 0; j < n; j++) {
                if (outputs[j] >= 0) {
                    frame.put(outputs[j], carried[j], run);
                }
            }
            for (int s = 0; s < k; s++) {
                if (outputs[n + s] >= 0) {
                    Tensor stacked = SubgraphCall.stack(node, body.outputNames.get(n + s), scans.get(s), outputAxes[s], outputDirections[s] == 1,
                            scanTypes.get(s), memory, run);
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
