package dev.kiln.runtime.session;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.OptionalValue;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorMap;
import dev.kiln.api.tensor.TensorSequence;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the inputs of one run against the graph's declared input types: no unknown names, every
 * required input present, element types, ranks and known dimensions as declared, and every symbolic
 * dimension the same size wherever its name appears in one run. Immutable; thread-safe.
 */
final class InputValidator {
    private final List<Value> required;
    private final Map<String, Value> all = new LinkedHashMap<>();

    /** A symbolic dimension's size in this run and where it was first seen. */
    private record Binding(long size, String input, int dim) {
    }

    InputValidator(List<Value> required, List<Value> optional) {
        this.required = List.copyOf(required);
        required.forEach(v -> all.put(v.name(), v));
        optional.forEach(v -> all.put(v.name(), v));
    }

    /** The inputs, checked; optionals given as a bare tensor or sequence are wrapped as the declared optional. */
    Map<String, RuntimeValue> validate(Map<String, ? extends RuntimeValue> inputs) {
        if (inputs == null) {
            throw new InvalidInputException("inputs must not be null; pass an empty map for a model without inputs");
        }
        for (String name : inputs.keySet()) {
            if (!all.containsKey(name)) {
                throw new InvalidInputException("unknown input '" + name + "'; the model's inputs are " + describeAll());
            }
        }
        List<String> missing = new ArrayList<>();
        for (Value v : required) {
            if (!inputs.containsKey(v.name())) {
                missing.add("'" + v.name() + "' (" + typeText(v.type()) + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidInputException("missing required input" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing));
        }
        Map<String, Binding> symbols = new HashMap<>();
        Map<String, RuntimeValue> checked = new LinkedHashMap<>();
        for (Value v : all.values()) {
            if (!inputs.containsKey(v.name())) {
                continue;
            }
            RuntimeValue given = inputs.get(v.name());
            if (given == null) {
                throw new InvalidInputException("input '" + v.name() + "': expected " + typeText(v.type()) + ", got null");
            }
            checked.put(v.name(), check(v.name(), v.type(), given, symbols));
        }
        return checked;
    }

    private RuntimeValue check(String name, ValueType expected, RuntimeValue given, Map<String, Binding> symbols) {
        if (expected == null) {
            return given;
        }
        if (expected instanceof ValueType.TensorType tt) {
            if (!(given instanceof Tensor t)) {
                throw mismatch(name, expected, given, "");
            }
            checkTensor(name, tt, t, symbols);
        } else if (expected instanceof ValueType.SequenceType st) {
            if (!(given instanceof TensorSequence s)) {
                throw mismatch(name, expected, given, "");
            }
            if (st.elementType() instanceof ValueType.TensorType et && et.elementType() != s.elementType()) {
                throw mismatch(name, expected, given, " (element type " + s.elementType() + ", expected " + et.elementType() + ")");
            }
        } else if (expected instanceof ValueType.OptionalType ot) {
            if (given instanceof OptionalValue o) {
                if (o.value() != null) {
                    check(name, ot.elementType(), o.value(), symbols);
                }
                return o;
            }
            check(name, ot.elementType(), given, symbols);
            return OptionalValue.of(ot.elementType(), given);
        } else if (expected instanceof ValueType.MapType mt) {
            if (!(given instanceof TensorMap m) || m.keyType() != mt.keyType()) {
                throw mismatch(name, expected, given, "");
            }
        }
        return given;
    }

    private static void checkTensor(String name, ValueType.TensorType expected, Tensor t, Map<String, Binding> symbols) {
        if (t.dtype() != expected.elementType()) {
            throw mismatch(name, expected, t, "");
        }
        if (!t.isHost()) {
            throw new InvalidInputException("input '" + name + "': expected a host tensor, got " + t.describe() + " on "
                    + t.deviceMemory().device() + "; copy it to the host first");
        }
        Shape s = expected.shape();
        if (s == null) {
            return;
        }
        if (s.rank() != t.rank()) {
            throw mismatch(name, expected, t, " (rank " + t.rank() + ", expected rank " + s.rank() + ")");
        }
        for (int i = 0; i < s.rank(); i++) {
            long actual = t.dim(i);
            if (s.isKnown(i)) {
                if (s.dim(i) != actual) {
                    throw mismatch(name, expected, t, " (dimension " + i + " is " + actual + ", expected " + s.dim(i) + ")");
                }
            } else if (s.symbol(i) != null) {
                Binding b = symbols.putIfAbsent(s.symbol(i), new Binding(actual, name, i));
                if (b != null && b.size() != actual) {
                    throw mismatch(name, expected, t, " (dimension " + i + " '" + s.symbol(i) + "' is " + actual + ", but input '" + b.input()
                            + "' dimension " + b.dim() + " gave '" + s.symbol(i) + "' = " + b.size() + ")");
                }
            }
        }
    }

    private static InvalidInputException mismatch(String name, ValueType expected, RuntimeValue given, String detail) {
        return new InvalidInputException("input '" + name + "': expected " + typeText(expected) + ", got " + given.describe() + detail);
    }

    private static String typeText(ValueType t) {
        return t == null ? "any value" : t.toString();
    }

    private String describeAll() {
        if (all.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        all.values().forEach(v -> parts.add("'" + v.name() + "' (" + typeText(v.type()) + ")"));
        return String.join(", ", parts);
    }
}
