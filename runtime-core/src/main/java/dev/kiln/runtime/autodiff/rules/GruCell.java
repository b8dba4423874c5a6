package dev.kiln.runtime.autodiff.rules;

import dev.kiln.runtime.autodiff.GradientContext;

/**
 * GRU, gates z, r, h: [z, r] = Sigmoid(a_zr), h~ = Tanh(X Wh^T + (r H_prev) Rh^T + Rbh + Wbh), or with
 * linear_before_reset h~ = Tanh(X Wh^T + r (H_prev Rh^T + Rbh) + Wbh); H = (1 - z) h~ + z H_prev.
 * Backward: dz = dH (H_prev - h~), dh~ = dH (1 - z); the reset gate's gradient goes through the product it
 * scales (r H_prev, or the linear term s = H_prev Rh^T + Rbh); dH_prev = dH z + da_zr R_zr + (dq r, or ds Rh).
 */
final class GruCell extends RecurrentCell {
    private final boolean linearBeforeReset;
    private final String rzr;
    private final String rh;
    private final String rzrT;
    private final String rhT;
    /** Rbh for linear_before_reset (it sits inside the reset product there), else null. */
    private final String rbh;

    private GruCell(GradientContext g, int hidden, String r, String rb, boolean linearBeforeReset) {
        super(g, hidden, r, rb);
        this.linearBeforeReset = linearBeforeReset;
        String[] rows = split(r, 0, 2L * hidden, hidden);
        this.rzr = rows[0];
        this.rh = rows[1];
        this.rzrT = transpose(rzr);
        this.rhT = transpose(rh);
        this.rbh = linearBeforeReset && rb != null ? split(rb, 0, 2L * hidden, hidden)[1] : null;
    }

    static GruCell resetBeforeLinear(GradientContext g, int hidden, String r, String rb) {
        return new GruCell(g, hidden, r, rb, false);
    }

    static GruCell linearBeforeReset(GradientContext g, int hidden, String r, String rb) {
        return new GruCell(g, hidden, r, rb, true);
    }

    @Override
    int gates() {
        return 3;
    }

    @Override
    String inputBias(String wb, String rbias) {
        if (!linearBeforeReset) {
            return g.add(wb, rbias);
        }
        String[] w = split(wb, 0, 2L * hidden, hidden);
        return concat(0, g.add(w[0], split(rbias, 0, 2L * hidden, hidden)[0]), w[1]);
    }

    @Override
    Step forward(String xw, String hPrev, String cPrev) {
        Step s = new Step();
        s.hPrev = hPrev;
        String[] parts = split(xw, 1, 2L * hidden, hidden);
        String zr = g.op("Sigmoid", hPrev == null ? parts[0] : g.add(parts[0], matMul(hPrev, rzrT)));
        String[] gates = split(zr, 1, hidden, hidden);
        String z = gates[0];
        String reset = gates[1];
        String scaled;
        String hPre;
        if (!linearBeforeReset) {
            scaled = hPrev == null ? null : g.mul(reset, hPrev);
            hPre = scaled == null ? parts[1] : g.add(parts[1], matMul(scaled, rhT));
        } else {
            scaled = hPrev == null ? rbh : (rbh == null ? matMul(hPrev, rhT) : g.add(matMul(hPrev, rhT), rbh));
            hPre = scaled == null ? parts[1] : g.add(parts[1], g.mul(reset, scaled));
        }
        String hc = g.op("Tanh", hPre);
        s.h = hPrev == null ? g.sub(hc, g.mul(z, hc)) : g.add(hc, g.mul(z, g.sub(hPrev, hc)));
        s.saved.add(zr);
        s.saved.add(z);
        s.saved.add(reset);
        s.saved.add(hc);
        s.saved.add(scaled);
        return s;
    }

    @Override
    void backward(Step s, String dh, String dc, boolean needH, boolean needC) {
        String zr = s.saved.get(0);
        String z = s.saved.get(1);
        String reset = s.saved.get(2);
        String hc = s.saved.get(3);
        String scaled = s.saved.get(4);
        String dz = s.hPrev == null ? g.neg(g.mul(dh, hc)) : g.mul(dh, g.sub(s.hPrev, hc));
        String dah = throughTanh(g.sub(dh, g.mul(dh, z)), hc);
        String dr;
        String dq = null;
        String ds = null;
        if (scaled == null) {
            dr = zerosLike(dh);
        } else if (!linearBeforeReset) {
            dq = matMul(dah, rh);
            dr = g.mul(dq, s.hPrev);
        } else {
            dr = g.mul(dah, scaled);
            ds = g.mul(dah, reset);
        }
        String dzr = g.mul(concat(1, dz, dr), sigmoidGrad(zr));
        s.dInput = concat(1, dzr, dah);
        s.dRb = ds == null ? s.dInput : concat(1, dzr, ds);
        if (s.hPrev == null) {
            return;
        }
        if (linearBeforeReset) {
            s.rBlocks.add(new String[] {s.dRb, s.hPrev});
        } else {
            s.rBlocks.add(new String[] {dzr, s.hPrev});
            s.rBlocks.add(new String[] {dah, scaled});
        }
        if (needH) {
            String viaH = linearBeforeReset ? matMul(ds, rh) : g.mul(dq, reset);
            s.dhPrev = g.add(g.add(g.mul(dh, z), matMul(dzr, rzr)), viaH);
        }
    }
}
