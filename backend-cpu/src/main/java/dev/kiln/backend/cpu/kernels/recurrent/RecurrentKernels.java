package dev.kiln.backend.cpu.kernels.recurrent;

import dev.kiln.backend.cpu.CpuKernelFamily;
import dev.kiln.backend.cpu.CpuKernelRegistry;

/** Registers the recurrent layers RNN, GRU and LSTM. */
public final class RecurrentKernels implements CpuKernelFamily {
    @Override
    public void register(CpuKernelRegistry registry) {
        registry.add("", "RNN", RnnKernel::new);
        registry.add("", "GRU", GruKernel::new);
        registry.add("", "LSTM", LstmKernel::new);
    }
}
