package dev.kiln.runtime.autodiff.rules;

import dev.kiln.runtime.autodiff.GradientContext;

/** RNN: H = Tanh(X W^T + H_prev R^T + Wb + Rb); da = dH (1 - H^2), dH_prev = da R. */
final class RnnCell extends RecurrentCell {
    private final String rt;

    RnnCell(GradientContext g, int hidden, String r, String rb) {
        super(g, hidden, r, rb);
        this.rt = transpose(r);
    }

    @Override
    int gates() {
        return 1;
    }

    @Override
    Step forward(String xw, String hPrev, String cPrev) {
        Step s = new Step();
        s.hPrev = hPrev;
        s.h = g.op("Tanh", hPrev == null ? xw : g.add(xw, matMul(hPrev, rt)));
        return s;
    }

    @Override
    void backward(Step s, String dh, String dc, boolean needH, boolean needC) {
        String da = throughTanh(dh, s.h);
        s.dInput = da;
        s.dRb = da;
        if (s.hPrev != null) {
            s.rBlocks.add(new String[] {da, s.hPrev});
            if (needH) {
                s.dhPrev = matMul(da, r);
            }
        }
    }
}
