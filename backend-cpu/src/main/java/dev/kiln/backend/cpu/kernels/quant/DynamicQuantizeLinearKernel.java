package dev.kiln.backend.cpu.kernels.quant;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;

/**
 * DynamicQuantizeLinear (opset 11): uint8 quantization of a float32 tensor over the range [min(0, min x),
 * max(0, max x)]: {@code scale = (rmax - rmin) / 255}, {@code zp = saturate(round(-rmin / scale))},
 * {@code y = saturate(round(x / scale) + zp)}, all in float32 arithmetic with rounding half to even.
 * An all-zero input gives scale 0, zero point 0 and y 0. Stateless and thread-safe.
 */
public final class DynamicQuantizeLinearKernel implements Kernel {
    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        float[] v = x.toFloatArray();
        float rmin = 0;
        float rmax = 0;
        for (float f : v) {
            rmin = Math.min(rmin, f);
            rmax = Math.max(rmax, f);
        }
        float scale = (rmax - rmin) / 255f;
        int zp = scale == 0 ? 0 : (int) Math.max(0, Math.min(255, Math.rint(0f - rmin / scale)));
        Tensor y = ctx.allocate(DType.UINT8, x.shape());
        byte[] out = y.byteData();
        for (int i = 0; i < v.length; i++) {
            double q = scale == 0 ? 0 : Math.rint(v[i] / scale) + zp;
            out[i] = (byte) Math.max(0, Math.min(255, q));
        }
        ctx.setOutput(0, y);
        Tensor s = ctx.allocate(DType.FLOAT, Shape.scalar());
        s.floatData()[0] = scale;
        ctx.setOutput(1, s);
        Tensor z = ctx.allocate(DType.UINT8, Shape.scalar());
        z.byteData()[0] = (byte) zp;
        ctx.setOutput(2, z);
    }
}
