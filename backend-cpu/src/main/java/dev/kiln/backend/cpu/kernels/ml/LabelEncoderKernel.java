package dev.kiln.backend.cpu.kernels.ml;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.tensor.Args;
import dev.kiln.backend.cpu.util.ElementCodec;
import java.util.HashMap;
import java.util.Map;

/**
 * LabelEncoder: a lookup from the keys_* attribute to the parallel values_* attribute, with default_*
 * (or default_tensor) for keys not found. Keys and values are held as String, Long or Double (so every
 * integer width and both float widths share one map); a NaN key matches any NaN, and a repeated key keeps
 * its last value. Immutable after construction and thread-safe.
 */
public final class LabelEncoderKernel implements Kernel {
    private final DType keyType;
    private final DType valueType;
    private final Map<Object, Object> table = new HashMap<>();
    private final Object fallback;

    public LabelEncoderKernel(KernelRequest request) {
        Node node = request.node();
        Typed keys = typed(request, "keys");
        Typed values = typed(request, "values");
        if (keys.items.length != values.items.length) {
            throw Args.unsupported(request, "keys_* has " + keys.items.length + " entries but values_* has " + values.items.length);
        }
        this.keyType = keys.type;
        this.valueType = values.type;
        for (int i = 0; i < keys.items.length; i++) {
            table.put(keys.items[i], values.items[i]);
        }
        if (node.hasAttribute("default_tensor")) {
            Tensor d = node.attribute("default_tensor").asTensor();
            this.fallback = box(d, 0);
        } else if (valueType == DType.STRING) {
            this.fallback = node.getString("default_string", "_Unused");
        } else if (valueType.isFloatingPoint()) {
            this.fallback = (double) node.getFloat("default_float", -0.0f);
        } else {
            this.fallback = node.getInt("default_int64", -1);
        }
    }

    private record Typed(DType type, Object[] items) {
    }

    /** The keys_* or values_* attribute that is set, as boxed items and an element type. */
    private static Typed typed(KernelRequest request, String prefix) {
        Node node = request.node();
        if (node.hasAttribute(prefix + "_tensor")) {
            Tensor t = node.attribute(prefix + "_tensor").asTensor();
            Object[] items = new Object[t.size()];
            for (int i = 0; i < items.length; i++) {
                items[i] = box(t, i);
            }
            return new Typed(t.dtype(), items);
        }
        if (node.hasAttribute(prefix + "_strings")) {
            return new Typed(DType.STRING, node.attribute(prefix + "_strings").asStrings().toArray());
        }
        if (node.hasAttribute(prefix + "_int64s")) {
            long[] v = node.attribute(prefix + "_int64s").asLongs();
            Object[] items = new Object[v.length];
            for (int i = 0; i < v.length; i++) {
                items[i] = v[i];
            }
            return new Typed(DType.INT64, items);
        }
        if (node.hasAttribute(prefix + "_floats")) {
            float[] v = node.attribute(prefix + "_floats").asFloats();
            Object[] items = new Object[v.length];
            for (int i = 0; i < v.length; i++) {
                items[i] = canonical(v[i]);
            }
            return new Typed(DType.FLOAT, items);
        }
        throw Args.unsupported(request, "one of " + prefix + "_strings, " + prefix + "_int64s, " + prefix + "_floats and "
                + prefix + "_tensor is required");
    }

    /** Element {@code i} as a String, Long or Double (NaNs made one value so they match each other). */
    private static Object box(Tensor t, int i) {
        if (t.dtype() == DType.STRING) {
            return t.getString(i);
        }
        if (t.dtype().isFloatingPoint()) {
            return canonical(t.getDouble(i));
        }
        return t.getLong(i);
    }

    private static Double canonical(double v) {
        return Double.isNaN(v) ? Double.NaN : v;
    }

    private Object lookup(Tensor x, int i) {
        return table.getOrDefault(box(x, i), fallback);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        boolean compatible = x.dtype() == keyType || (x.dtype().isInteger() && keyType.isInteger())
                || (x.dtype().isFloatingPoint() && keyType.isFloatingPoint());
        if (!compatible) {
            throw new InvalidInputException("input 'X': expected " + keyType + " elements like the keys, got " + x.describe());
        }
        int n = x.size();
        Tensor y = ctx.allocate(valueType, x.shape());
        if (valueType == DType.STRING) {
            String[] out = y.stringData();
            for (int i = 0; i < n; i++) {
                out[i] = (String) lookup(x, i);
            }
        } else if (valueType.isFloatingPoint()) {
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                out[i] = ((Number) lookup(x, i)).doubleValue();
            }
            ElementCodec.fromDouble(out, 0, y, 0, n);
        } else {
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                out[i] = ((Number) lookup(x, i)).longValue();
            }
            ElementCodec.fromLong(out, 0, y, 0, n);
        }
        ctx.setOutput(0, y);
    }
}
