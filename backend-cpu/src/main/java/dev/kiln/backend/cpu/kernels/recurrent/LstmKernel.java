package dev.kiln.backend.cpu.kernels.recurrent;

import dev.kiln.api.spi.KernelRequest;
import dev.kiln.backend.cpu.CpuExecution;
import java.util.List;

/**
 * LSTM with gates i, o, f, c and peepholes P = [Pi, Po, Pf] (f = Sigmoid, g = h = Tanh by default):
 * {@code i = f(X Wi^T + H Ri^T + Pi . C + Wbi + Rbi)}, {@code f = f(... Pf . C ...)} (or {@code 1 - i} with
 * input_forget), {@code c = g(X Wc^T + H Rc^T + Wbc + Rbc)}, {@code C' = f . C + i . c},
 * {@code o = f(X Wo^T + H Ro^T + Po . C' + Wbo + Rbo)}, {@code H' = o . h(C')}. See {@link RecurrentKernel}.
 */
public final class LstmKernel extends RecurrentKernel {
    private final boolean inputForget;

    public LstmKernel(KernelRequest request, CpuExecution execution) {
        super(request, execution, 4, List.of("Sigmoid", "Tanh", "Tanh"));
        this.inputForget = request.node().getInt("input_forget", 0) != 0;
    }

    @Override
    int states() {
        return 2;
    }

    @Override
    void step(Cell cell, double[] newH, double[] newC) {
        RecurrentActivation f = activations[cell.direction][0];
        RecurrentActivation g = activations[cell.direction][1];
        RecurrentActivation h = activations[cell.direction][2];
        int h4 = 4 * hidden;
        recur(cell.h, cell.batch, cell.r, cell.rOffset, h4, cell.hr);
        for (int n = 0; n < cell.batch; n++) {
            for (int j = 0; j < hidden; j++) {
                int at = n * hidden + j;
                double c = cell.c[at];
                double in = f.apply(clip(pre(cell, n, 0, j) + peephole(cell, 0, j) * c));
                double forget = inputForget ? 1 - in : f.apply(clip(pre(cell, n, 2, j) + peephole(cell, 2, j) * c));
                double candidate = g.apply(clip(pre(cell, n, 3, j)));
                double next = forget * c + in * candidate;
                double out = f.apply(clip(pre(cell, n, 1, j) + peephole(cell, 1, j) * next));
                newC[at] = next;
                newH[at] = out * h.apply(next);
            }
        }
    }

    /** Gate {@code gate}'s pre-activation without peephole: input projection, recurrence and Rb. */
    private double pre(Cell cell, int n, int gate, int j) {
        int k = gate * hidden + j;
        return cell.xw[n * 4 * hidden + k] + cell.hr[n * 4 * hidden + k] + cell.bias[cell.rbOffset + k];
    }

    private double peephole(Cell cell, int gate, int j) {
        return cell.peepholes == null ? 0.0 : cell.peepholes[cell.pOffset + gate * hidden + j];
    }
}
