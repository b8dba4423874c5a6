package dev.kiln.backend.cpu.kernels.nn;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.UnsupportedOpException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.CpuExecution;
import dev.kiln.backend.cpu.kernels.math.FloatActivations;
import dev.kiln.backend.cpu.simd.Simd;
import dev.kiln.backend.cpu.simd.SimdGemm;
import dev.kiln.backend.cpu.util.BroadcastPlan;
import java.util.Arrays;

/**
 * {@code dev.kiln::FusedConv(X, W, B?, Z?)}: float32 Conv (the node carries Conv's attributes), plus bias B per
 * output channel, plus Z (a residual; of the output's shape in one pass, or any shape that broadcasts with it as
 * Add allows), then attribute {@code activation} (an ONNX activation op name with its own attributes, or "").
 * The runtime's fusion pass makes these nodes from Conv, Add and activation chains; bias, residual and
 * activation are applied to each finished piece of the product (the SIMD path) or in one pass over each output
 * channel plane.
 */
final class FusedConvKernel implements Kernel {
    static final String OP = "FusedConv";
    private final ConvKernel conv;
    private final FloatActivations.InPlace activation;
    private final boolean relu;

    FusedConvKernel(KernelRequest request, CpuExecution execution) {
        this(request, execution, Simd.enabled() && SimdGemm.preferred());
    }

    /** {@code useSimd} as for {@link ConvKernel}: false keeps the OpenBLAS path. */
    FusedConvKernel(KernelRequest request, CpuExecution execution, boolean useSimd) {
        this.activation = FloatActivations.ofFusedNode(request.node(), request.opsetVersion());
        this.relu = activation != null && "Relu".equals(request.node().getString("activation", ""));
        this.conv = new ConvKernel(request, execution, useSimd);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (x.dtype() != DType.FLOAT) {
            throw new UnsupportedOpException(OP, ctx.node().domain(), ctx.opsetVersion(), "input X is " + x.describe() + "; expected float32");
        }
        Tensor z = ctx.hasInput(3) ? ctx.tensor(3) : null;
        if (z != null && z.dtype() != DType.FLOAT) {
            throw new InvalidInputException(OP + ": residual Z must be float32 like X, got " + z.describe());
        }
        float[] bias = ctx.hasInput(2) ? ctx.tensor(2).floatData() : null;
        boolean sameShape = z == null || residualHasOutputShape(ctx.tensor(0), ctx.tensor(1), z);
        // a residual of the output's shape and the activation join the bias in the conv's epilogue
        ConvEpilogue epilogue = sameShape ? new ConvEpilogue(bias, z == null ? null : z.floatData(), activation, relu)
                : new ConvEpilogue(bias, null, null);
        Tensor y = conv.compute(ctx, epilogue);
        ctx.setOutput(0, sameShape ? y : broadcastSum(ctx, y, z));
    }

    /** Whether Z has Y's shape; false also for X and W the conv will reject with its own message. */
    private boolean residualHasOutputShape(Tensor x, Tensor w, Tensor z) {
        if (x.rank() < 3 || w.rank() != x.rank() || z.rank() != x.rank()) {
            return false;
        }
        return Arrays.equals(z.dims(), conv.outputDims(x.dims(), w.dims()));
    }

    /** Y + Z under Add's broadcasting, then the activation: the rare case of a residual of another shape. */
    private Tensor broadcastSum(KernelContext ctx, Tensor y, Tensor z) {
        BroadcastPlan plan = BroadcastPlan.of(y.shape(), z.shape());
        Tensor sum = ctx.allocate(DType.FLOAT, plan.outputShape());
        float[] out = sum.floatData();
        float[] a = y.floatData();
        float[] b = z.floatData();
        int sa = plan.innerStride(0);
        int sb = plan.innerStride(1);
        plan.forEachRun(0, plan.size(), (pos, len, off) -> {
            for (int i = 0; i < len; i++) {
                out[pos + i] = a[off[0] + i * sa] + b[off[1] + i * sb];
            }
        });
        if (activation != null) {
            activation.apply(out, 0, out.length);
        }
        return sum;
    }
}
