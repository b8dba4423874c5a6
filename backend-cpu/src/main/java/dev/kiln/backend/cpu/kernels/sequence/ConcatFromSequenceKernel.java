package dev.kiln.backend.cpu.kernels.sequence;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorSequence;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.tensor.Args;
import dev.kiln.backend.cpu.kernels.tensor.ConcatKernel;
import java.util.ArrayList;
import java.util.List;

/**
 * ConcatFromSequence: {@link ConcatKernel} over the sequence's tensors; with new_axis=1 each tensor first
 * gets a unit axis at 'axis' (numpy.stack), so 'axis' ranges over rank+1 positions.
 */
public final class ConcatFromSequenceKernel implements Kernel {
    private final long axis;
    private final boolean newAxis;
    private final ConcatKernel concat;

    public ConcatFromSequenceKernel(KernelRequest request, CpuExecution execution) {
        this.concat = new ConcatKernel(request, execution);
        this.axis = request.node().getInt("axis", 0);
        this.newAxis = request.node().getInt("new_axis", 0) != 0;
    }

    @Override
    public void execute(KernelContext ctx) {
        TensorSequence seq = SequenceValues.sequence(ctx, 0, "input 'input_sequence'");
        if (seq.size() == 0) {
            throw new InvalidInputException("input 'input_sequence': cannot concatenate an empty sequence");
        }
        List<Tensor> parts = seq.tensors();
        if (newAxis) {
            List<Tensor> stacked = new ArrayList<>(parts.size());
            for (Tensor t : parts) {
                int a = Args.axis(axis, t.rank() + 1, "attribute 'axis'");
                long[] dims = t.dims();
                long[] out = new long[dims.length + 1];
                System.arraycopy(dims, 0, out, 0, a);
                out[a] = 1;
                System.arraycopy(dims, a, out, a + 1, dims.length - a);
                stacked.add(t.reshape(Shape.of(out)));
            }
            parts = stacked;
        }
        ContextView view = new ContextView(ctx, parts, 1);
        concat.execute(view);
        ctx.setOutput(0, view.outputs()[0]);
    }
}
