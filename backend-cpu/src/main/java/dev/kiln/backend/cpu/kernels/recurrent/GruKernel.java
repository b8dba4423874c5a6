package dev.kiln.backend.cpu.kernels.recurrent;

import dev.kiln.api.spi.KernelRequest;
import dev.kiln.backend.cpu.CpuExecution;
import java.util.List;

/**
 * GRU with gates z, r, h (f = Sigmoid, g = Tanh by default):
 * {@code z = f(X Wz^T + H Rz^T + Wbz + Rbz)}, {@code r = f(X Wr^T + H Rr^T + Wbr + Rbr)},
 * {@code h = g(X Wh^T + (r . H) Rh^T + Rbh + Wbh)}, or with linear_before_reset
 * {@code h = g(X Wh^T + r . (H Rh^T + Rbh) + Wbh)}; {@code H' = (1 - z) . h + z . H}. See {@link RecurrentKernel}.
 */
public final class GruKernel extends RecurrentKernel {
    private final boolean linearBeforeReset;

    public GruKernel(KernelRequest request, CpuExecution execution) {
        super(request, execution, 3, List.of("Sigmoid", "Tanh"));
        this.linearBeforeReset = request.node().getInt("linear_before_reset", 0) != 0;
    }

    @Override
    void step(Cell cell, double[] newH, double[] newC) {
        RecurrentActivation f = activations[cell.direction][0];
        RecurrentActivation g = activations[cell.direction][1];
        int h3 = 3 * hidden;
        int width = linearBeforeReset ? h3 : 2 * hidden;
        recur(cell.h, cell.batch, cell.r, cell.rOffset, width, cell.hr);
        double[] z = new double[cell.batch * hidden];
        double[] reset = new double[cell.batch * hidden];
        for (int n = 0; n < cell.batch; n++) {
            for (int j = 0; j < hidden; j++) {
                int at = n * hidden + j;
                z[at] = f.apply(clip(cell.xw[n * h3 + j] + cell.hr[n * width + j] + cell.bias[cell.rbOffset + j]));
                reset[at] = f.apply(clip(cell.xw[n * h3 + hidden + j] + cell.hr[n * width + hidden + j]
                        + cell.bias[cell.rbOffset + hidden + j]));
            }
        }
        double[] candidate = new double[cell.batch * hidden];
        if (!linearBeforeReset) {
            double[] gated = new double[cell.batch * hidden];
            for (int i = 0; i < gated.length; i++) {
                gated[i] = reset[i] * cell.h[i];
            }
            recur(gated, cell.batch, cell.r, cell.rOffset + 2 * hidden * hidden, hidden, candidate);
        }
        for (int n = 0; n < cell.batch; n++) {
            for (int j = 0; j < hidden; j++) {
                int at = n * hidden + j;
                double rb = cell.bias[cell.rbOffset + 2 * hidden + j];
                double recurrent = linearBeforeReset ? reset[at] * (cell.hr[n * width + 2 * hidden + j] + rb) : candidate[at] + rb;
                double hc = g.apply(clip(cell.xw[n * h3 + 2 * hidden + j] + recurrent));
                newH[at] = (1 - z[at]) * hc + z[at] * cell.h[at];
            }
        }
    }
}
