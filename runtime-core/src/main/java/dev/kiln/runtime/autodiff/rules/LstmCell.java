package dev.kiln.runtime.autodiff.rules;

import dev.kiln.runtime.autodiff.GradientContext;

/**
 * LSTM without peepholes, gates i, o, f, c: [i, o, f] = Sigmoid(a_iof), c~ = Tanh(a_c),
 * C = f C_prev + i c~, H = o Tanh(C), with a = X W^T + H_prev R^T + Wb + Rb. Backward: dC_t = dC + dH o (1 -
 * Tanh(C)^2), d[i, o, f] = [dC_t c~, dH Tanh(C), dC_t C_prev] through Sigmoid, dc~ = dC_t i through Tanh,
 * dH_prev = da R, dC_prev = dC_t f.
 */
final class LstmCell extends RecurrentCell {
    private final String rt;

    LstmCell(GradientContext g, int hidden, String r, String rb) {
        super(g, hidden, r, rb);
        this.rt = transpose(r);
    }

    @Override
    int gates() {
        return 4;
    }

    @Override
    boolean hasCellState() {
        return true;
    }

    @Override
    Step forward(String xw, String hPrev, String cPrev) {
        Step s = new Step();
        s.hPrev = hPrev;
        s.cPrev = cPrev;
        String a = hPrev == null ? xw : g.add(xw, matMul(hPrev, rt));
        String[] parts = split(a, 1, 3L * hidden, hidden);
        String iof = g.op("Sigmoid", parts[0]);
        String cand = g.op("Tanh", parts[1]);
        String[] gates = split(iof, 1, hidden, hidden, hidden);
        String c = g.mul(gates[0], cand);
        if (cPrev != null) {
            c = g.add(g.mul(gates[2], cPrev), c);
        }
        String tc = g.op("Tanh", c);
        s.c = c;
        s.h = g.mul(gates[1], tc);
        s.saved.add(iof);
        s.saved.add(cand);
        s.saved.add(gates[0]);
        s.saved.add(gates[1]);
        s.saved.add(gates[2]);
        s.saved.add(tc);
        return s;
    }

    @Override
    void backward(Step s, String dh, String dc, boolean needH, boolean needC) {
        String iof = s.saved.get(0);
        String cand = s.saved.get(1);
        String i = s.saved.get(2);
        String o = s.saved.get(3);
        String f = s.saved.get(4);
        String tc = s.saved.get(5);
        String dct = g.add(dc, throughTanh(g.mul(dh, o), tc));
        String df = s.cPrev == null ? zerosLike(dh) : g.mul(dct, s.cPrev);
        String diof = concat(1, g.mul(dct, cand), g.mul(dh, tc), df);
        String da = concat(1, g.mul(diof, sigmoidGrad(iof)), throughTanh(g.mul(dct, i), cand));
        s.dInput = da;
        s.dRb = da;
        if (s.hPrev != null) {
            s.rBlocks.add(new String[] {da, s.hPrev});
            if (needH) {
                s.dhPrev = matMul(da, r);
            }
        }
        if (needC && s.cPrev != null) {
            s.dcPrev = g.mul(dct, f);
        }
    }
}
