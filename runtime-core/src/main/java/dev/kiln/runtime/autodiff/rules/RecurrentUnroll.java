package dev.kiln.runtime.autodiff.rules;

import dev.kiln.api.ir.Node;
import dev.kiln.runtime.autodiff.GradientContext;

import java.util.ArrayList;
import java.util.List;

/**
 * The shared backward of LSTM, GRU and RNN, unrolled over the sequence: per direction, the input projection
 * X W^T + bias for every step in one MatMul, the steps recomputed by a {@link RecurrentCell}, then walked
 * back from the last processed step (the first time step for the reverse direction) with the gradients of
 * Y, Y_h and Y_c. The per-step input gradients are stacked in time order, so dX, dW and dWb are one
 * product or sum each, and dR, dRb likewise from the cell's recurrent blocks. Layout 1 is transposed to
 * layout 0 on the way in and the gradients back on the way out. Stateless.
 */
final class RecurrentUnroll {
    private RecurrentUnroll() {
    }

    /** Makes one direction's cell from its R ([gates*hidden, hidden]) and Rb (or null). */
    @FunctionalInterface
    interface CellFactory {
        RecurrentCell create(GradientContext g, int hidden, String r, String rb);
    }

    private static final int X = 0;
    private static final int W = 1;
    private static final int R = 2;
    private static final int B = 3;
    private static final int INITIAL_H = 5;
    private static final int INITIAL_C = 6;

    static void backward(GradientContext g, int gates, int hidden, CellFactory cells) {
        Node n = g.node();
        boolean batchFirst = n.getInt("layout", 0) == 1;
        String direction = n.getString("direction", "forward");
        int directions = direction.equals("bidirectional") ? 2 : 1;
        int seq = (int) g.shape(g.input(X)).dim(batchFirst ? 1 : 0);
        String x = batchFirst ? perm(g, g.input(X), 1, 0, 2) : g.input(X);
        String flatX = g.needsGradient(W) ? g.emit(Node.builder("Flatten").input(x).attr("axis", 2L)) : null;
        String h0 = state(g, INITIAL_H, batchFirst);
        String c0 = state(g, INITIAL_C, batchFirst);
        String dy = g.hasOutputGradient(0) ? (batchFirst ? perm(g, g.outputGradient(0), 1, 2, 0, 3) : g.outputGradient(0)) : null;
        String dyh = outputState(g, 1, batchFirst);
        String dyc = outputState(g, 2, batchFirst);

        List<String> dX = new ArrayList<>();
        List<String> dW = new ArrayList<>();
        List<String> dR = new ArrayList<>();
        List<String> dB = new ArrayList<>();
        List<String> dH0 = new ArrayList<>();
        List<String> dC0 = new ArrayList<>();
        for (int d = 0; d < directions; d++) {
            boolean reverse = direction.equals("reverse") || d == 1;
            String w = pick(g, g.input(W), d);
            String[] biases = n.hasInput(B) ? g.emit(Node.builder("Split").inputs(pick(g, g.input(B), d), g.ints((long) gates * hidden, (long) gates * hidden)), 2) : null;
            RecurrentCell cell = cells.create(g, hidden, pick(g, g.input(R), d), biases == null ? null : biases[1]);
            String xw = g.op("MatMul", x, g.emit(Node.builder("Transpose").input(w).attr("perm", 1L, 0L)));
            if (biases != null) {
                xw = g.add(xw, cell.inputBias(biases[0], biases[1]));
            }
            RecurrentCell.Step[] steps = new RecurrentCell.Step[seq];
            String h = h0 == null ? null : pick(g, h0, d);
            String c = c0 == null ? null : pick(g, c0, d);
            for (int k = 0; k < seq; k++) {
                int t = reverse ? seq - 1 - k : k;
                steps[k] = cell.forward(g.op("Gather", xw, g.longScalar(t)), h, c);
                steps[k].time = t;
                h = steps[k].h;
                c = steps[k].c;
            }
            String dyd = dy == null ? null : g.emit(Node.builder("Gather").inputs(dy, g.longScalar(d)).attr("axis", 1L));
            String dh = dyh == null ? null : pick(g, dyh, d);
            String dc = dyc == null ? null : pick(g, dyc, d);
            for (int k = seq - 1; k >= 0; k--) {
                RecurrentCell.Step s = steps[k];
                if (dyd != null) {
                    String dyt = g.op("Gather", dyd, g.longScalar(s.time));
                    dh = dh == null ? dyt : g.add(dh, dyt);
                }
                if (dh == null) {
                    dh = cell.zerosLike(s.h);
                }
                if (cell.hasCellState() && dc == null) {
                    dc = cell.zerosLike(s.h);
                }
                cell.backward(s, dh, dc, k > 0 || g.needsGradient(INITIAL_H), k > 0 || g.needsGradient(INITIAL_C));
                dh = s.dhPrev;
                dc = s.dcPrev;
            }
            RecurrentCell.Step[] inTime = new RecurrentCell.Step[seq];
            for (RecurrentCell.Step s : steps) {
                inTime[s.time] = s;
            }
            String da = stack(g, inTime, s -> s.dInput);
            if (g.needsGradient(X)) {
                dX.add(g.op("MatMul", da, w));
            }
            if (g.needsGradient(W)) {
                dW.add(g.emit(Node.builder("Gemm").inputs(da, flatX).attr("transA", 1L)));
            }
            if (g.needsGradient(R)) {
                dR.add(recurrentWeights(g, cell, inTime, pick(g, g.input(R), d)));
            }
            if (g.needsGradient(B)) {
                dB.add(cell.concat(0, columnSum(g, da), columnSum(g, stack(g, inTime, s -> s.dRb))));
            }
            dH0.add(dh);
            dC0.add(dc);
        }
        if (g.needsGradient(X)) {
            String sum = dX.get(0);
            for (int d = 1; d < dX.size(); d++) {
                sum = g.add(sum, dX.get(d));
            }
            String dx = g.op("Reshape", sum, g.shapeOf(x));
            g.setGradient(X, batchFirst ? perm(g, dx, 1, 0, 2) : dx);
        }
        if (g.needsGradient(W)) {
            g.setGradient(W, byDirection(g, dW));
        }
        if (g.needsGradient(R)) {
            g.setGradient(R, byDirection(g, dR));
        }
        if (g.needsGradient(B)) {
            g.setGradient(B, byDirection(g, dB));
        }
        if (g.needsGradient(INITIAL_H)) {
            String v = byDirection(g, dH0);
            g.setGradient(INITIAL_H, batchFirst ? perm(g, v, 1, 0, 2) : v);
        }
        if (g.needsGradient(INITIAL_C)) {
            String v = byDirection(g, dC0);
            g.setGradient(INITIAL_C, batchFirst ? perm(g, v, 1, 0, 2) : v);
        }
    }

    /** dR of one direction: per block of gate rows, sum over the steps of grad^T input; zero when no step had H_prev. */
    private static String recurrentWeights(GradientContext g, RecurrentCell cell, RecurrentCell.Step[] steps, String r) {
        List<String> rows = new ArrayList<>();
        for (int b = 0; ; b++) {
            List<String> grads = new ArrayList<>();
            List<String> ins = new ArrayList<>();
            for (RecurrentCell.Step s : steps) {
                if (s.rBlocks.size() > b) {
                    grads.add(s.rBlocks.get(b)[0]);
                    ins.add(s.rBlocks.get(b)[1]);
                }
            }
            if (grads.isEmpty()) {
                break;
            }
            rows.add(g.emit(Node.builder("Gemm").inputs(join(g, grads), join(g, ins)).attr("transA", 1L)));
        }
        if (rows.isEmpty()) {
            return cell.zerosLike(r);
        }
        return rows.size() == 1 ? rows.get(0) : cell.concat(0, rows.toArray(String[]::new));
    }

    private static String stack(GradientContext g, RecurrentCell.Step[] steps, java.util.function.Function<RecurrentCell.Step, String> part) {
        List<String> parts = new ArrayList<>();
        for (RecurrentCell.Step s : steps) {
            parts.add(part.apply(s));
        }
        return join(g, parts);
    }

    /** [batch, n] values joined along the batch axis into [steps*batch, n]. */
    private static String join(GradientContext g, List<String> parts) {
        return parts.size() == 1 ? parts.get(0) : g.emit(Node.builder("Concat").inputs(parts).attr("axis", 0L));
    }

    private static String columnSum(GradientContext g, String m) {
        return g.emit(Node.builder("ReduceSum").inputs(m, g.ints(0)).attr("keepdims", 0L));
    }

    /** Per-direction gradients stacked on a new leading axis. */
    private static String byDirection(GradientContext g, List<String> parts) {
        List<String> lifted = new ArrayList<>();
        for (String p : parts) {
            lifted.add(g.op("Unsqueeze", p, g.ints(0)));
        }
        return join(g, lifted);
    }

    /** Direction {@code d} of a [directions, ...] value. */
    private static String pick(GradientContext g, String v, int d) {
        return g.op("Gather", v, g.longScalar(d));
    }

    /** initial_h or initial_c in layout 0 ([directions, batch, hidden]), or null when absent. */
    private static String state(GradientContext g, int input, boolean batchFirst) {
        if (!g.node().hasInput(input)) {
            return null;
        }
        return batchFirst ? perm(g, g.input(input), 1, 0, 2) : g.input(input);
    }

    /** The gradient of Y_h or Y_c in layout 0, or null when none flows. */
    private static String outputState(GradientContext g, int output, boolean batchFirst) {
        if (!g.hasOutputGradient(output)) {
            return null;
        }
        return batchFirst ? perm(g, g.outputGradient(output), 1, 0, 2) : g.outputGradient(output);
    }

    private static String perm(GradientContext g, String v, long... perm) {
        return g.emit(Node.builder("Transpose").input(v).attr("perm", perm));
    }
}
