package dev.kiln.runtime.exec;

import dev.kiln.api.spi.Backend;
import dev.kiln.api.tensor.OptionalValue;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorSequence;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves one value across a device boundary: to the host through its backend's {@link Backend#toHost},
 * then into the target backend's memory through {@link Backend#fromHost}. Either side may be the host
 * (null backend). Tensors inside sequences and optionals are moved one by one. Device copies are
 * released to the target backend's allocator after their last use.
 */
final class CopyStep implements Step {
    private final String valueName;
    private final ValueRef source;
    private final int target;
    private final Backend from;
    private final Backend to;

    CopyStep(String valueName, ValueRef source, int target, Backend from, Backend to) {
        this.valueName = valueName;
        this.source = source;
        this.target = target;
        this.from = from;
        this.to = to;
    }

    @Override
    public void run(Frame frame, RunState run) {
        frame.put(target, move(frame.get(source), run), run);
    }

    private RuntimeValue move(RuntimeValue v, RunState run) {
        if (v instanceof Tensor t) {
            return move(t, run);
        }
        if (v instanceof TensorSequence s) {
            List<Tensor> moved = new ArrayList<>(s.size());
            for (Tensor t : s.tensors()) {
                moved.add(move(t, run));
            }
            return new TensorSequence(s.elementType(), moved);
        }
        if (v instanceof OptionalValue o && o.value() != null) {
            return OptionalValue.of(o.elementType(), move(o.value(), run));
        }
        return v;
    }

    private Tensor move(Tensor t, RunState run) {
        // a host copy did not come from any allocator, so it is left to the garbage collector
        Tensor host = from == null ? t : from.toHost(t);
        if (to == null) {
            return host;
        }
        Tensor device = to.fromHost(host);
        if (device != host && RunState.backing(device) != RunState.backing(host)) {
            run.own(device, to.allocator());
        }
        return device;
    }

    @Override
    public List<ValueRef> reads() {
        return List.of(source);
    }

    @Override
    public int[] writes() {
        return new int[] {target};
    }

    @Override
    public String describe() {
        return "copy '" + valueName + "' " + (from == null ? "host" : from.id()) + " -> " + (to == null ? "host" : to.id());
    }
}
