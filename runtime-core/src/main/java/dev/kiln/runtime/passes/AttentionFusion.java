package dev.kiln.runtime.passes;

import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds multi-head self-attention as BERT-style exports write it and replaces it with one
 * {@code dev.kiln::MultiHeadAttention(q, k, v, mask)}:
 * <pre>
 *   Qh = Transpose(Reshape(q, [B, S, H, D]), [0, 2, 1, 3])     (V likewise)
 *   Kt = Transpose(Reshape(k, [B, S, H, D]), [0, 2, 3, 1])
 *   P  = Softmax(MatMul(Qh, Kt) / c + mask)                    (scale and mask optional)
 *   y  = Reshape(Transpose(MatMul(P, Vh), [0, 2, 1, 3]), [B, S, H*D])
 * </pre>
 * The softmax may be the opset-13 op over the last axis or the Flatten/Softmax/Reshape triple that
 * importing an opset-11 Softmax produces. The shape computations that only fed the removed Reshape
 * nodes become unread and are dropped afterwards.
 */
final class AttentionFusion extends FusionPass {
    private static final long[] HEADS_FIRST = {0, 2, 1, 3};
    private static final long[] KEYS_TRANSPOSED = {0, 2, 3, 1};
    private static final Set<String> SHAPE_OPS = Set.of("Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Cast");

    AttentionFusion() {
        super("attention", "MatMul");
    }

    /** A Reshape to [B, S, H, D] followed by a Transpose, with its head count and size. */
    private record Split(int reshapeIdx, int transposeIdx, String packed, long heads, long headSize) {
    }

    @Override
    boolean tryFuse(GraphIndex g, int scoresIdx) {
        List<Integer> removed = new ArrayList<>();
        Node scoresMm = g.node(scoresIdx);
        Split q = split(g, scoresMm.input(0), HEADS_FIRST);
        Split k = split(g, scoresMm.input(1), KEYS_TRANSPOSED);
        if (q == null || k == null || q.heads() != k.heads() || q.headSize() != k.headSize()) {
            return false;
        }
        removed.addAll(List.of(q.reshapeIdx(), q.transposeIdx(), k.reshapeIdx(), k.transposeIdx(), scoresIdx));
        String current = scoresMm.output(0);
        double scale = 1.0;
        int next = g.soleConsumer(current);
        if (next >= 0 && (g.is(next, "Div") || g.is(next, "Mul")) && g.node(next).input(0).equals(current)
                && !Double.isNaN(g.scalar(g.node(next).input(1)))) {
            double c = g.scalar(g.node(next).input(1));
            scale = g.is(next, "Div") ? 1.0 / c : c;
            removed.add(next);
            current = g.node(next).output(0);
            next = g.soleConsumer(current);
        }
        String mask = "";
        if (next >= 0 && g.is(next, "Add")) {
            Node add = g.node(next);
            mask = add.input(0).equals(current) ? add.input(1) : add.input(0);
            removed.add(next);
            current = add.output(0);
        }
        String probs = softmax(g, current, removed);
        if (probs == null) {
            return false;
        }
        int ctxIdx = g.soleConsumer(probs);
        if (ctxIdx < 0 || !g.is(ctxIdx, "MatMul") || !g.node(ctxIdx).input(0).equals(probs)) {
            return false;
        }
        Split v = split(g, g.node(ctxIdx).input(1), HEADS_FIRST);
        if (v == null || v.heads() != q.heads() || v.headSize() != q.headSize()) {
            return false;
        }
        removed.addAll(List.of(v.reshapeIdx(), v.transposeIdx(), ctxIdx));
        String ctx = g.node(ctxIdx).output(0);
        int backIdx = g.soleConsumer(ctx);
        if (backIdx < 0 || !g.is(backIdx, "Transpose") || !Arrays.equals(g.node(backIdx).getInts("perm", null), HEADS_FIRST)) {
            return false;
        }
        String merged = g.node(backIdx).output(0);
        int outIdx = -1;
        for (int c : g.consumers(merged)) {
            if (g.is(c, "Reshape") && g.node(c).input(0).equals(merged)) {
                outIdx = c;
            }
        }
        if (outIdx < 0 || g.isGraphOutput(merged) || !mergesHeads(g, g.node(outIdx).input(1), q.heads() * q.headSize())) {
            return false;
        }
        Set<Integer> shapeOnly = new HashSet<>();
        for (int c : g.consumers(merged)) {
            if (c != outIdx && !feedsOnly(g, c, outIdx, shapeOnly)) {
                return false;
            }
        }
        removed.add(backIdx);
        removed.addAll(shapeOnly);
        Node fusedNode = Node.builder(FusedOps.MULTI_HEAD_ATTENTION).domain(FusedOps.DOMAIN).name(g.node(outIdx).name())
                .inputs(q.packed(), k.packed(), v.packed(), mask).output(g.node(outIdx).output(0))
                .attr("num_heads", q.heads()).attr("scale", (float) scale).build();
        for (int idx : removed) {
            g.remove(idx);
        }
        g.replace(outIdx, fusedNode);
        return true;
    }

    /** {@code value} = Transpose(Reshape(packed, [.., .., H, D]), perm) with single readers, or null. */
    private static Split split(GraphIndex g, String value, long[] perm) {
        int t = g.producer(value);
        if (t < 0 || !g.is(t, "Transpose") || !Arrays.equals(g.node(t).getInts("perm", null), perm) || g.soleConsumer(value) < 0) {
            return null;
        }
        String reshaped = g.node(t).input(0);
        int r = g.producer(reshaped);
        if (r < 0 || !g.is(r, "Reshape") || g.soleConsumer(reshaped) != t) {
            return null;
        }
        long[] hd = lastTwoDims(g, g.node(r).input(1), 4);
        return hd == null || hd[0] < 1 || hd[1] < 1 ? null : new Split(r, t, g.node(r).input(0), hd[0], hd[1]);
    }

    /** The last two entries of a Reshape target of the given rank, when they are constants; else null. */
    private static long[] lastTwoDims(GraphIndex g, String shape, int rank) {
        Tensor c = g.constant(shape);
        if (c != null) {
            long[] s = c.toLongArray();
            return s.length == rank ? new long[] {s[rank - 2], s[rank - 1]} : null;
        }
        int concat = g.producer(shape);
        if (concat < 0 || !g.is(concat, "Concat") || g.node(concat).inputs().size() != rank) {
            return null;
        }
        long[] out = new long[2];
        for (int i = 0; i < 2; i++) {
            Tensor t = g.constant(g.node(concat).input(rank - 2 + i));
            if (t == null || t.elementCount() != 1) {
                return null;
            }
            out[i] = t.toLongArray()[0];
        }
        return out;
    }

    /** True when the Reshape target is [.., .., width] (or [.., .., -1]). */
    private static boolean mergesHeads(GraphIndex g, String shape, long width) {
        Tensor c = g.constant(shape);
        long last;
        if (c != null) {
            long[] s = c.toLongArray();
            if (s.length != 3) {
                return false;
            }
            last = s[2];
        } else {
            int concat = g.producer(shape);
            if (concat < 0 || !g.is(concat, "Concat") || g.node(concat).inputs().size() != 3) {
                return false;
            }
            Tensor t = g.constant(g.node(concat).input(2));
            if (t == null || t.elementCount() != 1) {
                return false;
            }
            last = t.toLongArray()[0];
        }
        return last == width || last == -1;
    }

    /** The softmax over the last axis of {@code x} (either form); adds its nodes to removed; returns its output or null. */
    private static String softmax(GraphIndex g, String x, List<Integer> removed) {
        int only = g.soleConsumer(x);
        if (only >= 0 && g.is(only, "Softmax")) {
            long axis = g.node(only).getInt("axis", -1);
            if (axis != -1 && axis != 3) {
                return null;
            }
            removed.add(only);
            return g.node(only).output(0);
        }
        // Flatten(x, axis 3) -> Softmax(axis 1) -> Reshape(., Shape(x)), from an imported opset-11 Softmax
        List<Integer> readers = g.consumers(x);
        if (readers.size() != 2 || g.isGraphOutput(x)) {
            return null;
        }
        int shapeIdx = g.is(readers.get(0), "Shape") ? readers.get(0) : readers.get(1);
        int flatIdx = shapeIdx == readers.get(0) ? readers.get(1) : readers.get(0);
        if (!g.is(shapeIdx, "Shape") || !g.is(flatIdx, "Flatten") || g.node(flatIdx).getInt("axis", 1) != 3
                || g.node(shapeIdx).hasAttribute("start") || g.node(shapeIdx).hasAttribute("end")) {
            return null;
        }
        int smIdx = g.soleConsumer(g.node(flatIdx).output(0));
        if (smIdx < 0 || !g.is(smIdx, "Softmax") || (g.node(smIdx).getInt("axis", -1) != 1 && g.node(smIdx).getInt("axis", -1) != -1)) {
            return null;
        }
        int backIdx = g.soleConsumer(g.node(smIdx).output(0));
        String shape = g.node(shapeIdx).output(0);
        if (backIdx < 0 || !g.is(backIdx, "Reshape") || !g.node(backIdx).input(1).equals(shape) || g.soleConsumer(shape) != backIdx) {
            return null;
        }
        removed.addAll(List.of(shapeIdx, flatIdx, smIdx, backIdx));
        return g.node(backIdx).output(0);
    }

    /**
     * True when node {@code idx} and everything reading it are shape computations whose only way out is
     * input 1 of node {@code target}; collects them.
     */
    private static boolean feedsOnly(GraphIndex g, int idx, int target, Set<Integer> collected) {
        Node n = g.node(idx);
        if (n == null || !n.domain().isEmpty() || !SHAPE_OPS.contains(n.opType())) {
            return false;
        }
        collected.add(idx);
        for (String out : n.outputs()) {
            if (g.isGraphOutput(out)) {
                return false;
            }
            for (int c : g.consumers(out)) {
                if (c == target) {
                    if (!g.node(target).input(1).equals(out) || g.node(target).input(0).equals(out)) {
                        return false;
                    }
                } else if (!collected.contains(c) && !feedsOnly(g, c, target, collected)) {
                    return false;
                }
            }
        }
        return true;
    }
}
