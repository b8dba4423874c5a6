package dev.kiln.runtime.passes;

import dev.kiln.api.ir.Node;

/**
 * Finds the exact (erf) GELU written out in primitive ops, {@code 0.5 * h * (1 + Erf(h / sqrt 2))} in
 * either of its usual orders ({@code Mul(Mul(h, 1 + erf), 0.5)} or {@code Mul(Mul(h, 0.5), 1 + erf)}, and
 * {@code h / sqrt 2} or {@code h * (1 / sqrt 2)}), and replaces it with one {@code dev.kiln::Gelu(h)}.
 */
final class GeluFusion extends FusionPass {
    private static final double TOLERANCE = 1e-4;

    GeluFusion() {
        super("gelu", "Erf");
    }

    @Override
    boolean tryFuse(GraphIndex g, int erfIdx) {
        String t = g.node(erfIdx).input(0);
        int scaleIdx = g.producer(t);
        if (scaleIdx < 0 || g.soleConsumer(t) != erfIdx) {
            return false;
        }
        Node scale = g.node(scaleIdx);
        boolean divides = g.is(scaleIdx, "Div") && near(g.scalar(scale.input(1)), Math.sqrt(2));
        boolean multiplies = g.is(scaleIdx, "Mul") && Patterns.constantSide(g, scaleIdx, "Mul") == 1 && near(g.scalar(scale.input(1)), Math.sqrt(0.5));
        if (!divides && !multiplies) {
            return false;
        }
        String h = scale.input(0);
        int onePlusIdx = g.soleConsumer(g.node(erfIdx).output(0));
        int oneSide = onePlusIdx < 0 ? -1 : Patterns.constantSide(g, onePlusIdx, "Add");
        if (oneSide < 0 || g.scalar(g.node(onePlusIdx).input(oneSide)) != 1.0) {
            return false;
        }
        int m1Idx = g.soleConsumer(g.node(onePlusIdx).output(0));
        if (m1Idx < 0 || !g.is(m1Idx, "Mul")) {
            return false;
        }
        Node m1 = g.node(m1Idx);
        String partner = m1.input(0).equals(g.node(onePlusIdx).output(0)) ? m1.input(1) : m1.input(0);
        int halfIdx;
        int outIdx;
        if (partner.equals(h)) {
            // 0.5 applied last: Mul(Mul(h, 1 + erf), 0.5)
            halfIdx = g.soleConsumer(m1.output(0));
            int side = halfIdx < 0 ? -1 : Patterns.constantSide(g, halfIdx, "Mul");
            if (side < 0 || g.scalar(g.node(halfIdx).input(side)) != 0.5) {
                return false;
            }
            outIdx = halfIdx;
        } else {
            // 0.5 applied first: Mul(Mul(h, 0.5), 1 + erf)
            halfIdx = g.producer(partner);
            int side = halfIdx < 0 ? -1 : Patterns.constantSide(g, halfIdx, "Mul");
            if (side < 0 || g.scalar(g.node(halfIdx).input(side)) != 0.5 || !g.node(halfIdx).input(GraphIndex.other(side)).equals(h)
                    || g.soleConsumer(partner) != m1Idx) {
                return false;
            }
            outIdx = m1Idx;
        }
        Node gelu = Node.builder(FusedOps.GELU).domain(FusedOps.DOMAIN).name(g.node(outIdx).name())
                .input(h).output(g.node(outIdx).output(0)).build();
        for (int idx : new int[] {scaleIdx, erfIdx, onePlusIdx, m1Idx, halfIdx}) {
            if (idx != outIdx) {
                g.remove(idx);
            }
        }
        g.replace(outIdx, gelu);
        return true;
    }

    private static boolean near(double v, double expected) {
        return Math.abs(v - expected) <= TOLERANCE * expected;
    }
}
