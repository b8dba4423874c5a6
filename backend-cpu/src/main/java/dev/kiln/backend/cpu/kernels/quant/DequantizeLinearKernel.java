package dev.kiln.backend.cpu.kernels.quant;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.util.ElementCodec;

/**
 * DequantizeLinear (opsets 10-25): {@code y = (x - zero_point) * scale} per tensor, per axis or per block,
 * for integer, float8 and float4 inputs. The product is exact in double and rounded once to the output
 * type: 'output_dtype' when set, else the scale's type. Immutable and thread-safe.
 */
public final class DequantizeLinearKernel implements Kernel {
    private final long axis;
    private final long blockSize;
    private final DType outputType;

    public DequantizeLinearKernel(KernelRequest request) {
        this.axis = request.node().getInt("axis", 1);
        this.blockSize = request.node().getInt("block_size", 0);
        long out = request.node().getInt("output_dtype", 0);
        this.outputType = out == 0 ? null : DType.fromCode((int) out);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        Tensor scale = ctx.tensor(1);
        Tensor zeroPoint = ctx.inputCount() > 2 && ctx.hasInput(2) ? ctx.tensor(2) : null;
        if (zeroPoint != null && zeroPoint.dtype() != x.dtype()) {
            throw new InvalidInputException("input 'x_zero_point': expected the type of x " + x.dtype() + ", got " + zeroPoint.describe());
        }
        QuantLayout.checkZeroPoint(zeroPoint, scale);
        QuantLayout layout = QuantLayout.of(x, scale, axis, blockSize);
        DType to = outputType != null ? outputType : scale.dtype();
        if (!to.isFloatingPoint() || to.byteSize() < 2) {
            throw new InvalidInputException("DequantizeLinear output: expected float32, float16, bfloat16 or float64, got " + to);
        }
        int n = x.size();
        double[] out = new double[n];
        for (int e = 0; e < n; e++) {
            int s = layout.scaleIndex(e);
            double zp = zeroPoint == null ? 0 : zeroPoint.getDouble(s);
            out[e] = (x.getDouble(e) - zp) * scale.getDouble(s);
        }
        Tensor y = ctx.allocate(to, x.shape());
        ElementCodec.fromDouble(out, 0, y, 0, n);
        ctx.setOutput(0, y);
    }
}
