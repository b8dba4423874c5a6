package dev.kiln.runtime.exec;

import dev.kiln.api.ExecutionException;
import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorSequence;
import java.util.ArrayList;
import java.util.List;

/**
 * SequenceMap (opset 17+): runs the body once per element of the first input sequence. Each iteration
 * the body gets element i of every sequence input and every tensor input whole; each body output is
 * collected into an output sequence. Every sequence input must be as long as the first.
 */
final class SequenceMapStep implements Step {
    private final Node node;
    private final ValueRef[] inputs;
    private final GraphPlan body;
    private final List<ValueType> outputTypes;
    private final int[] outputs;
    private final List<ValueRef> reads;

    SequenceMapStep(Node node, ValueRef[] inputs, GraphPlan body, List<ValueType> outputTypes, int[] outputs) {
        this.node = node;
        this.inputs = inputs;
        this.body = body;
        this.outputTypes = outputTypes;
        this.outputs = outputs;
        List<ValueRef> r = new ArrayList<>();
        for (ValueRef v : inputs) {
            if (!r.contains(v)) {
                r.add(v);
            }
        }
        ControlFlowReads.addOuter(r, body);
        this.reads = List.copyOf(r);
    }

    @Override
    public void run(Frame frame, RunState run) {
        int k = outputs.length;
        List<List<Tensor>> collected = new ArrayList<>(k);
        try {
            RuntimeValue[] given = new RuntimeValue[inputs.length];
            for (int j = 0; j < inputs.length; j++) {
                given[j] = frame.get(inputs[j]);
            }
            if (!(given[0] instanceof TensorSequence first)) {
                throw new InvalidInputException("node " + node.describe() + ": input 0 ('" + node.input(0) + "') must be a sequence, got "
                        + (given[0] == null ? "nothing" : given[0].describe()));
            }
            int length = first.size();
            for (int j = 1; j < given.length; j++) {
                if (given[j] instanceof TensorSequence s && s.size() != length) {
                    throw new InvalidInputException("node " + node.describe() + ": input " + j + " ('" + node.input(j) + "') has "
                            + s.size() + " elements but input 0 has " + length + "; every sequence input must have the same length");
                }
            }
            for (int s = 0; s < k; s++) {
                collected.add(new ArrayList<>());
            }
            for (int i = 0; i < length; i++) {
                run.iteration(node);
                RuntimeValue[] in = new RuntimeValue[given.length];
                for (int j = 0; j < given.length; j++) {
                    in[j] = given[j] instanceof TensorSequence s ? s.get(i) : given[j];
                }
                RuntimeValue[] out = SubgraphCall.run(node, body, frame, run, in);
                for (int s = 0; s < k; s++) {
                    collected.get(s).add(SubgraphCall.tensor(node, out[s], "body output " + s + " ('" + body.outputNames.get(s) + "')"));
                }
            }
            for (int s = 0; s < k; s++) {
                if (outputs[s] >= 0) {
                    frame.put(outputs[s], new TensorSequence(elementType(s, collected.get(s)), collected.get(s)), run);
                }
            }
        } catch (RuntimeException e) {
            throw NodeErrors.inNode(node, e);
        } finally {
            for (List<Tensor> parts : collected) {
                parts.forEach(run::drop);
            }
        }
    }

    /** The element type of output {@code s}: that of its tensors, else the body output's declared type. */
    private DType elementType(int s, List<Tensor> parts) {
        if (!parts.isEmpty()) {
            return parts.get(0).dtype();
        }
        if (outputTypes.get(s) instanceof ValueType.TensorType t) {
            return t.elementType();
        }
        throw new ExecutionException("node " + node.describe() + ": output " + s + " is an empty sequence and body output '"
                + body.outputNames.get(s) + "' declares no tensor type to give it an element type");
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
