package dev.kiln.backend.cpu.kernels.ml;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.tensor.Args;
import dev.kiln.backend.cpu.util.ElementCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * TreeEnsemble (ai.onnx.ml 5): walks every tree for every row, each interior node comparing one feature
 * with its split (or testing set membership; a NaN feature follows the branch named by
 * nodes_missing_value_tracks_true), aggregates the reached leaves' weights per target (SUM, AVERAGE over
 * trees, MIN, MAX) and applies the post transform (NONE, SOFTMAX, LOGISTIC, SOFTMAX_ZERO, PROBIT).
 * post_transform follows the spec's numbering (SOFTMAX = 1, LOGISTIC = 2); ONNX Runtime 1.23
 * reads those two the other way round. Computes in float64. Immutable after construction and thread-safe.
 */
public final class TreeEnsembleKernel implements Kernel {
    private static final int LEQ = 0;
    private static final int LT = 1;
    private static final int GTE = 2;
    private static final int GT = 3;
    private static final int EQ = 4;
    private static final int NEQ = 5;
    private static final int MEMBER = 6;

    private final int aggregate;
    private final int postTransform;
    private final int targets;
    private final long[] roots;
    private final long[] features;
    private final long[] modes;
    private final double[] splits;
    private final long[] trueIds;
    private final long[] falseIds;
    private final long[] trueLeaf;
    private final long[] falseLeaf;
    private final long[] missingTrue;
    private final long[] leafTargets;
    private final double[] leafWeights;
    private final List<Set<Double>> members = new ArrayList<>();

    public TreeEnsembleKernel(KernelRequest request) {
        Node node = request.node();
        this.aggregate = (int) node.getInt("aggregate_function", 1);
        this.postTransform = (int) node.getInt("post_transform", 0);
        if (aggregate < 0 || aggregate > 3) {
            throw Args.unsupported(request, "attribute 'aggregate_function' must be 0 to 3, got " + aggregate);
        }
        if (postTransform < 0 || postTransform > 4) {
            throw Args.unsupported(request, "attribute 'post_transform' must be 0 to 4 (NONE, SOFTMAX, LOGISTIC, SOFTMAX_ZERO, PROBIT), got "
                    + postTransform);
        }
        this.targets = (int) node.getInt("n_targets", 1);
        this.roots = required(request, "tree_roots");
        this.features = required(request, "nodes_featureids");
        this.trueIds = required(request, "nodes_truenodeids");
        this.falseIds = required(request, "nodes_falsenodeids");
        this.trueLeaf = required(request, "nodes_trueleafs");
        this.falseLeaf = required(request, "nodes_falseleafs");
        this.leafTargets = required(request, "leaf_targetids");
        this.modes = tensor(request, "nodes_modes").toLongArray();
        this.splits = tensor(request, "nodes_splits").toDoubleArray();
        this.leafWeights = tensor(request, "leaf_weights").toDoubleArray();
        this.missingTrue = node.getInts("nodes_missing_value_tracks_true", new long[features.length]);
        int n = features.length;
        if (modes.length != n || splits.length != n || trueIds.length != n || falseIds.length != n || trueLeaf.length != n
                || falseLeaf.length != n || missingTrue.length != n) {
            throw Args.unsupported(request, "the nodes_* attributes must all have " + n + " entries (as nodes_featureids)");
        }
        if (leafWeights.length != leafTargets.length) {
            throw Args.unsupported(request, "leaf_weights has " + leafWeights.length + " entries, leaf_targetids " + leafTargets.length);
        }
        double[] sets = node.hasAttribute("membership_values") ? node.attribute("membership_values").asTensor().toDoubleArray() : new double[0];
        Set<Double> current = new HashSet<>();
        for (double v : sets) {
            if (Double.isNaN(v)) {
                members.add(current);
                current = new HashSet<>();
            } else {
                current.add(v);
            }
        }
        if (!current.isEmpty()) {
            members.add(current);
        }
    }

    private static long[] required(KernelRequest request, String attr) {
        long[] v = request.node().getInts(attr, null);
        if (v == null) {
            throw Args.unsupported(request, "attribute '" + attr + "' is required");
        }
        return v;
    }

    private static Tensor tensor(KernelRequest request, String attr) {
        if (!request.node().hasAttribute(attr)) {
            throw Args.unsupported(request, "attribute '" + attr + "' is required");
        }
        return request.node().attribute(attr).asTensor();
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (x.rank() != 2 || !x.dtype().isFloatingPoint()) {
            throw new InvalidInputException("input 'X': expected a floating tensor [N, F], got " + x.describe());
        }
        int rows = (int) x.dim(0);
        int cols = (int) x.dim(1);
        double[] in = new double[x.size()];
        ElementCodec.toDouble(x, 0, in, 0, in.length);
        int[] memberSet = memberSetIndex();
        double[] out = new double[rows * targets];
        double[] score = new double[targets];
        boolean[] seen = new boolean[targets];
        for (int r = 0; r < rows; r++) {
            Arrays.fill(score, 0);
            Arrays.fill(seen, false);
            for (long root : roots) {
                int leaf = walk((int) root, in, r * cols, cols, memberSet);
                int t = (int) leafTargets[leaf];
                double w = leafWeights[leaf];
                score[t] = switch (aggregate) {
                    case 2 -> seen[t] ? Math.min(score[t], w) : w;
                    case 3 -> seen[t] ? Math.max(score[t], w) : w;
                    default -> score[t] + w;
                };
                seen[t] = true;
            }
            if (aggregate == 0) {
                for (int t = 0; t < targets; t++) {
                    score[t] /= roots.length;
                }
            }
            transform(score);
            System.arraycopy(score, 0, out, r * targets, targets);
        }
        Tensor y = ctx.allocate(x.dtype(), Shape.of(rows, targets));
        ElementCodec.fromDouble(out, 0, y, 0, out.length);
        ctx.setOutput(0, y);
    }

    /** For each node, the index of its membership set (-1 for other modes): sets are listed in node order. */
    private int[] memberSetIndex() {
        int[] index = new int[modes.length];
        int next = 0;
        for (int i = 0; i < modes.length; i++) {
            index[i] = modes[i] == MEMBER ? next++ : -1;
        }
        return index;
    }

    private int walk(int nodeId, double[] in, int row, int cols, int[] memberSet) {
        int id = nodeId;
        while (true) {
            int f = (int) features[id];
            if (f < 0 || f >= cols) {
                throw new InvalidInputException("input 'X' has " + cols + " features; tree node " + id + " reads feature " + f);
            }
            double v = in[row + f];
            boolean go;
            if (Double.isNaN(v)) {
                go = missingTrue[id] != 0;
            } else {
                double s = splits[id];
                go = switch ((int) modes[id]) {
                    case LEQ -> v <= s;
                    case LT -> v < s;
                    case GTE -> v >= s;
                    case GT -> v > s;
                    case EQ -> v == s;
                    case NEQ -> v != s;
                    case MEMBER -> memberSet[id] < members.size() && members.get(memberSet[id]).contains(v);
                    default -> throw new InvalidInputException("tree node " + id + " has unknown mode " + modes[id]);
                };
            }
            long next = go ? trueIds[id] : falseIds[id];
            if ((go ? trueLeaf[id] : falseLeaf[id]) != 0) {
                return (int) next;
            }
            id = (int) next;
        }
    }

    private void transform(double[] score) {
        if (postTransform == 4) {
            for (int t = 0; t < score.length; t++) {
                score[t] = NormalQuantile.probit(score[t]);
            }
        } else if (postTransform == 2) {
            for (int t = 0; t < score.length; t++) {
                score[t] = 1 / (1 + Math.exp(-score[t]));
            }
        } else if (postTransform == 1 || postTransform == 3) {
            boolean skipZeros = postTransform == 3;
            double max = Double.NEGATIVE_INFINITY;
            for (double s : score) {
                if (!skipZeros || s != 0) {
                    max = Math.max(max, s);
                }
            }
            double sum = 0;
            for (int t = 0; t < score.length; t++) {
                score[t] = skipZeros && score[t] == 0 ? 0 : Math.exp(score[t] - max);
                sum += score[t];
            }
            for (int t = 0; t < score.length; t++) {
                score[t] = sum == 0 ? 0 : score[t] / sum;
            }
        }
    }
}
