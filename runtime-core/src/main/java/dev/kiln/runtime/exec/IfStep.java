package dev.kiln.runtime.exec;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.RuntimeValue;
import java.util.ArrayList;
import java.util.List;

/** If: runs the then or else branch, chosen by a one-element bool tensor, and passes its outputs on. */
final class IfStep implements Step {
    private final Node node;
    private final ValueRef cond;
    private final GraphPlan thenBranch;
    private final GraphPlan elseBranch;
    private final int[] outputs;
    private final List<ValueRef> reads;

    IfStep(Node node, ValueRef cond, GraphPlan thenBranch, GraphPlan elseBranch, int[] outputs) {
        this.node = node;
        this.cond = cond;
        this.thenBranch = thenBranch;
        this.elseBranch = elseBranch;
        this.outputs = outputs;
        List<ValueRef> r = new ArrayList<>();
        r.add(cond);
        ControlFlowReads.addOuter(r, thenBranch);
        ControlFlowReads.addOuter(r, elseBranch);
        this.reads = List.copyOf(r);
    }

    @Override
    public void run(Frame frame, RunState run) {
        RuntimeValue[] outs;
        try {
            boolean c = SubgraphCall.scalarBool(node, frame.get(cond), "input 'cond'");
            outs = SubgraphCall.run(node, c ? thenBranch : elseBranch, frame, run, new RuntimeValue[0]);
        } catch (RuntimeException e) {
            throw NodeErrors.inNode(node, e);
        }
        for (int k = 0; k < outputs.length; k++) {
            if (outputs[k] >= 0) {
                frame.put(outputs[k], outs[k], run);
            }
        }
        SubgraphCall.dropAll(run, outs);
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
