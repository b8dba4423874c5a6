package dev.kiln.backend.cpu.kernels.recurrent;

import dev.kiln.api.spi.KernelRequest;
import dev.kiln.backend.cpu.CpuExecution;
import java.util.List;

/** RNN: {@code H_t = f(X_t W^T + H_{t-1} R^T + Wb + Rb)}, f = Tanh by default. See {@link RecurrentKernel}. */
public final class RnnKernel extends RecurrentKernel {
    public RnnKernel(KernelRequest request, CpuExecution execution) {
        super(request, execution, 1, List.of("Tanh"));
    }

    @Override
    void step(Cell cell, double[] newH, double[] newC) {
        RecurrentActivation f = activations[cell.direction][0];
        recur(cell.h, cell.batch, cell.r, cell.rOffset, hidden, cell.hr);
        for (int n = 0; n < cell.batch; n++) {
            for (int j = 0; j < hidden; j++) {
                int at = n * hidden + j;
                newH[at] = f.apply(clip(cell.xw[at] + cell.hr[at] + cell.bias[cell.rbOffset + j]));
            }
        }
    }
}
