package dev.kiln.runtime.exec;

import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;

/**
 * Compile-time name resolution for one graph, chained to the scopes of enclosing graphs: where each
 * value lives (slot and memory location), its static type, whether it is known before a run, and the
 * copies already planned of it in another location. Used by one compiling thread.
 */
final class Scope {
    /** A value's slot in its graph's frame and the memory it lives in; {@code preset} is set for initializer constants. */
    record Binding(int slot, String location, Tensor preset) {
    }

    /** A binding found {@code depth} frames up. */
    record Found(int depth, Binding binding) {
    }

    final Scope parent;
    final Map<String, Binding> bindings = new HashMap<>();
    /** Planned copies of values in another location, by {@code name@location}, to their local slot. */
    final Map<String, Integer> copies = new HashMap<>();
    Map<String, ValueType> types = Map.of();
    Map<String, Tensor> constants = Map.of();

    Scope(Scope parent) {
        this.parent = parent;
    }

    Found find(String name) {
        int depth = 0;
        for (Scope s = this; s != null; s = s.parent, depth++) {
            Binding b = s.bindings.get(name);
            if (b != null) {
                return new Found(depth, b);
            }
        }
        return null;
    }

    /** The planned copy of {@code name} in {@code location} in this scope or at most {@code maxDepth} scopes up, or null. */
    ValueRef findCopy(String name, String location, int maxDepth) {
        String key = name + "@" + location;
        int depth = 0;
        for (Scope s = this; s != null && depth <= maxDepth; s = s.parent, depth++) {
            Integer slot = s.copies.get(key);
            if (slot != null) {
                return new ValueRef(depth, slot);
            }
        }
        return null;
    }

    ValueType type(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            ValueType t = s.types.get(name);
            if (t != null) {
                return t;
            }
            if (s.bindings.containsKey(name)) {
                return null;
            }
        }
        return null;
    }

    Tensor constant(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            Tensor t = s.constants.get(name);
            if (t != null) {
                return t;
            }
            if (s.bindings.containsKey(name)) {
                return null;
            }
        }
        return null;
    }
}
