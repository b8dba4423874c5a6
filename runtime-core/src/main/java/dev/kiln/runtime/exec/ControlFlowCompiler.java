package dev.kiln.runtime.exec;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.InvalidGraphException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.runtime.exec.PlanCompiler.Build;
import dev.kiln.runtime.partition.Placement;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans If, Loop, Scan and SequenceMap: checks each node's arity against its subgraphs, reads its inputs on the host,
 * compiles its subgraphs (with the enclosing graph as their outer scope) and makes the runtime step that
 * runs them. Used by one compiling thread.
 */
final class ControlFlowCompiler {
    private final PlanCompiler compiler;
    private final HostMemory memory;

    ControlFlowCompiler(PlanCompiler compiler, HostMemory memory) {
        this.compiler = compiler;
        this.memory = memory;
    }

    Step compile(Node node, Scope scope, Build build, int depth) {
        String what = "node " + node.describe();
        Step step = switch (node.opType()) {
            case "If" -> {
                ValueRef cond = compiler.read(scope, build, node.input(0), Placement.HOST, what);
                Graph thenGraph = subgraph(node, "then_branch");
                Graph elseGraph = subgraph(node, "else_branch");
                requireOutputs(node, thenGraph, node.outputs().size());
                requireOutputs(node, elseGraph, node.outputs().size());
                GraphPlan thenPlan = compiler.compile(thenGraph, scope, depth + 1);
                GraphPlan elsePlan = compiler.compile(elseGraph, scope, depth + 1);
                yield new IfStep(node, cond, thenPlan, elsePlan, defineOutputs(node, scope, build, node.outputs().size()));
            }
            case "Loop" -> {
                Graph body = subgraph(node, "body");
                int n = Math.max(0, node.inputs().size() - 2);
                if (body.inputs().size() != 2 + n) {
                    throw invalid(node, "the body has " + body.inputs().size() + " inputs; expected 2 + " + n + " loop-carried values");
                }
                int k = body.outputs().size() - 1 - n;
                if (k < 0 || node.outputs().size() > n + k) {
                    throw invalid(node, "the body has " + body.outputs().size() + " outputs and the node " + node.outputs().size()
                            + "; expected 1 + N + K and at most N + K for N = " + n + " loop-carried values");
                }
                ValueRef max = node.hasInput(0) ? compiler.read(scope, build, node.input(0), Placement.HOST, what) : null;
                ValueRef cond = node.hasInput(1) ? compiler.read(scope, build, node.input(1), Placement.HOST, what) : null;
                ValueRef[] initial = new ValueRef[n];
                for (int j = 0; j < n; j++) {
                    if (!node.hasInput(2 + j)) {
                        throw invalid(node, "loop-carried input " + (2 + j) + " is absent");
                    }
                    initial[j] = compiler.read(scope, build, node.input(2 + j), Placement.HOST, what);
                }
                GraphPlan plan = compiler.compile(body, scope, depth + 1);
                yield new LoopStep(node, max, cond, initial, plan, declaredTypes(body, 1 + n), defineOutputs(node, scope, build, n + k), memory);
            }
            case "Scan" -> {
                Graph body = subgraph(node, "body");
                long m = node.getInt("num_scan_inputs", -1);
                int n = node.inputs().size() - (int) m;
                if (m < 1 || n < 0) {
                    throw invalid(node, "attribute 'num_scan_inputs' is " + m + "; expected 1 to " + node.inputs().size());
                }
                int k = body.outputs().size() - n;
                if (body.inputs().size() != n + m || k < 0 || node.outputs().size() > n + k) {
                    throw invalid(node, "the body has " + body.inputs().size() + " inputs and " + body.outputs().size() + " outputs, the node "
                            + node.outputs().size() + " outputs; expected N + M body inputs and N + K outputs (the node may omit trailing ones)"
                            + " for N = " + n + ", M = " + m);
                }
                ValueRef[] state = new ValueRef[n];
                ValueRef[] scans = new ValueRef[(int) m];
                for (int j = 0; j < n + m; j++) {
                    if (!node.hasInput(j)) {
                        throw invalid(node, "input " + j + " is absent");
                    }
                    ValueRef r = compiler.read(scope, build, node.input(j), Placement.HOST, what);
                    if (j < n) {
                        state[j] = r;
                    } else {
                        scans[j - n] = r;
                    }
                }
                long[] inAxes = attrOfLength(node, "scan_input_axes", (int) m);
                long[] inDirs = attrOfLength(node, "scan_input_directions", (int) m);
                long[] outAxes = attrOfLength(node, "scan_output_axes", k);
                long[] outDirs = attrOfLength(node, "scan_output_directions", k);
                GraphPlan plan = compiler.compile(body, scope, depth + 1);
                yield new ScanStep(node, state, scans, inAxes, inDirs, outAxes, outDirs, plan, declaredTypes(body, n),
                        defineOutputs(node, scope, build, n + k), memory);
            }
            case "SequenceMap" -> {
                Graph body = subgraph(node, "body");
                int n = node.inputs().size();
                if (n < 1 || body.inputs().size() != n || body.outputs().size() != node.outputs().size()) {
                    throw invalid(node, "the body has " + body.inputs().size() + " inputs and " + body.outputs().size()
                            + " outputs; expected one input per node input (" + n + ") and one output per node output ("
                            + node.outputs().size() + ")");
                }
                ValueRef[] inputs = new ValueRef[n];
                for (int j = 0; j < n; j++) {
                    if (!node.hasInput(j)) {
                        throw invalid(node, "input " + j + " is absent");
                    }
                    inputs[j] = compiler.read(scope, build, node.input(j), Placement.HOST, what);
                }
                GraphPlan plan = compiler.compile(body, scope, depth + 1);
                yield new SequenceMapStep(node, inputs, plan, declaredTypes(body, 0), defineOutputs(node, scope, build, node.outputs().size()));
            }
            default -> throw new IllegalStateException("not a control-flow op: " + node.opType());
        };
        return step;
    }

    /** A slot per node output, -1 for absent ones, padded with -1 to {@code count} (trailing outputs may be omitted). */
    private static int[] defineOutputs(Node node, Scope scope, Build build, int count) {
        int[] outputs = new int[count];
        java.util.Arrays.fill(outputs, -1);
        for (int k = 0; k < node.outputs().size(); k++) {
            String out = node.output(k);
            outputs[k] = out.isEmpty() ? -1 : PlanCompiler.define(scope, build, out, Placement.HOST);
        }
        return outputs;
    }

    private static Graph subgraph(Node node, String attr) {
        if (node.attribute(attr) == null) {
            throw invalid(node, "attribute '" + attr + "' is missing");
        }
        try {
            return node.attribute(attr).asGraph();
        } catch (IllegalStateException e) {
            throw invalid(node, e.getMessage());
        }
    }

    private static void requireOutputs(Node node, Graph branch, int count) {
        if (branch.outputs().size() != count) {
            throw invalid(node, "subgraph '" + branch.name() + "' has " + branch.outputs().size() + " outputs; the node has " + count);
        }
    }

    /** Declared types of the subgraph outputs from index {@code from} on (entries null when undeclared). */
    private static List<ValueType> declaredTypes(Graph body, int from) {
        List<ValueType> out = new ArrayList<>();
        for (int i = from; i < body.outputs().size(); i++) {
            out.add(body.outputs().get(i).type());
        }
        return out;
    }

    private static long[] attrOfLength(Node node, String attr, int n) {
        long[] v = node.getInts(attr, null);
        if (v == null) {
            return new long[n];
        }
        if (v.length != n) {
            throw invalid(node, "attribute '" + attr + "' has " + v.length + " values; expected " + n);
        }
        return v;
    }

    private static InvalidGraphException invalid(Node node, String detail) {
        return new InvalidGraphException("node " + node.describe() + ": " + detail);
    }
}
