package dev.kiln.backend.cpu.kernels.quant;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.FloatFormats;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.cast.MinifloatEncoder;
import dev.kiln.backend.cpu.util.ElementCodec;

/**
 * QuantizeLinear (opsets 10-25): {@code y = saturate(round_half_even(x / scale) + zero_point)} per tensor,
 * per axis or per block. The division runs in the 'precision' type (default: the scale's type); float8
 * and float4 outputs are encoded like Cast with the 'saturate' attribute. The output type comes from the
 * zero point, else 'output_dtype', else uint8. Immutable and thread-safe.
 */
public final class QuantizeLinearKernel implements Kernel {
    private final long axis;
    private final long blockSize;
    private final DType outputType;
    private final DType precision;
    private final boolean saturate;

    public QuantizeLinearKernel(KernelRequest request) {
        this.axis = request.node().getInt("axis", 1);
        this.blockSize = request.node().getInt("block_size", 0);
        long out = request.node().getInt("output_dtype", 0);
        this.outputType = out == 0 ? null : DType.fromCode((int) out);
        long p = request.node().getInt("precision", 0);
        this.precision = p == 0 ? null : DType.fromCode((int) p);
        this.saturate = request.node().getInt("saturate", 1) != 0;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        Tensor scale = ctx.tensor(1);
        Tensor zeroPoint = ctx.inputCount() > 2 && ctx.hasInput(2) ? ctx.tensor(2) : null;
        DType to = zeroPoint != null ? zeroPoint.dtype() : outputType != null ? outputType : DType.UINT8;
        if (zeroPoint != null && outputType != null && outputType != to) {
            throw new InvalidInputException("attribute 'output_dtype' " + outputType + " differs from the zero point's type " + to);
        }
        QuantLayout.checkZeroPoint(zeroPoint, scale);
        QuantLayout layout = QuantLayout.of(x, scale, axis, blockSize);
        DType divisionType = precision != null ? precision : scale.dtype();
        Tensor y = ctx.allocate(to, x.shape());
        int n = x.size();
        if (MinifloatEncoder.handles(to)) {
            MinifloatEncoder encoder = MinifloatEncoder.forType(to, saturate, MinifloatEncoder.E8M0Rounding.UP);
            byte[] out = y.byteData();
            for (int e = 0; e < n; e++) {
                int s = layout.scaleIndex(e);
                double zp = zeroPoint == null ? 0 : zeroPoint.getDouble(s);
                out[e] = (byte) encoder.encode(divide(x.getDouble(e), scale.getDouble(s), divisionType) + zp);
            }
        } else if (to.isInteger() && to != DType.UINT64 && to != DType.INT64) {
            long lo = QuantLayout.min(to);
            long hi = QuantLayout.max(to);
            long[] out = new long[n];
            for (int e = 0; e < n; e++) {
                int s = layout.scaleIndex(e);
                double q = Math.rint(divide(x.getDouble(e), scale.getDouble(s), divisionType));
                double v = q + (zeroPoint == null ? 0 : zeroPoint.getLong(s));
                out[e] = Double.isNaN(v) ? 0 : (long) Math.max(lo, Math.min(hi, v));
            }
            ElementCodec.fromLong(out, 0, y, 0, n);
        } else {
            throw new InvalidInputException("QuantizeLinear output: expected an 8/16-bit, 4-bit or 2-bit integer or a float8/float4 type, got "
                    + to);
        }
        ctx.setOutput(0, y);
    }

    /** x / s rounded as the precision type's division would round it. */
    static double divide(double x, double s, DType precision) {
        return switch (precision) {
            case DOUBLE -> x / s;
            case FLOAT16 -> FloatFormats.halfToFloat(FloatFormats.floatToHalf((float) x / (float) s));
            case BFLOAT16 -> FloatFormats.bfloat16ToFloat(FloatFormats.floatToBfloat16((float) x / (float) s));
            default -> (float) x / (float) s;
        };
    }
}
