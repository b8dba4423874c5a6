package dev.kiln.backend.cpu.kernels.tensor;

import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Tensor;
import java.util.List;

/**
 * Constant: the value is decoded from whichever value attribute the node carries once, at compile time;
 * each run hands out a fresh copy because the runtime may recycle an output's array.
 */
public final class ConstantKernel implements Kernel {
    private final Tensor value;

    public ConstantKernel(KernelRequest request) {
        this.value = value(request);
    }

    private static Tensor value(KernelRequest request) {
        Node node = request.node();
        Tensor found = null;
        int count = 0;
        for (Attribute a : node.attributes().values()) {
            Tensor t = switch (a.name()) {
                case "value", "sparse_value" -> a.asTensor();
                case "value_float" -> Tensor.scalar(a.asFloat());
                case "value_floats" -> {
                    float[] f = a.asFloats();
                    yield Tensor.of(f, f.length);
                }
                case "value_int" -> Tensor.scalar(a.asLong());
                case "value_ints" -> {
                    long[] l = a.asLongs();
                    yield Tensor.of(l, l.length);
                }
                case "value_string" -> Tensor.scalar(a.asString());
                case "value_strings" -> {
                    List<String> s = a.asStrings();
                    yield Tensor.of(s.toArray(new String[0]), s.size());
                }
                default -> null;
            };
            if (t != null) {
                found = t;
                count++;
            }
        }
        if (count != 1) {
            throw Args.unsupported(request, "expected exactly one of the attributes value, sparse_value, value_float(s), "
                    + "value_int(s), value_string(s), got " + count);
        }
        return found;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor y = ctx.allocate(value.dtype(), value.shape());
        Elements.copy(value.data(), 0, y.data(), 0, value.size() * value.dtype().slotsPerElement());
        ctx.setOutput(0, y);
    }
}
