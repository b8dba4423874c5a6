package dev.kiln.runtime.autodiff;

import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Collects the backward nodes of one differentiation: fresh names, shared constants, forward types. Not thread-safe. */
final class Emitter {
    private final Set<String> taken;
    private final Map<String, ValueType> types;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, String> constants = new HashMap<>();
    private int counter;

    private final Function<String, Tensor> forwardConstants;

    Emitter(Set<String> taken, Map<String, ValueType> types, Function<String, Tensor> forwardConstants) {
        this.taken = taken;
        this.types = types;
        this.forwardConstants = forwardConstants;
    }

    /** The value of a forward value fixed before any run (an initializer that is not an input, a Constant), or null. */
    Tensor forwardConstant(String value) {
        return forwardConstants.apply(value);
    }

    List<Node> nodes() {
        return nodes;
    }

    ValueType.TensorType type(String value) {
        return types.get(value) instanceof ValueType.TensorType t ? t : null;
    }

    String fresh(String hint) {
        String n;
        do {
            n = "grad/" + hint + "_" + counter++;
        } while (!taken.add(n));
        return n;
    }

    /** Adds {@code b} with {@code count} fresh outputs (or the given names) and returns them. */
    String[] add(Node.Builder b, String opType, int count) {
        String[] outs = new String[count];
        b.clearOutputs();
        for (int i = 0; i < count; i++) {
            outs[i] = fresh(opType);
            b.output(outs[i]);
        }
        nodes.add(b.name(outs[0]).build());
        return outs;
    }

    /** Adds {@code b} writing exactly {@code output}, a name the caller reserved. */
    void addNamed(Node.Builder b, String output) {
        taken.add(output);
        nodes.add(b.clearOutputs().output(output).name("grad/" + output).build());
    }

    /** A Constant node for {@code t}, shared between identical requests. */
    String constant(Tensor t, String key) {
        return constants.computeIfAbsent(key, k -> add(Node.builder("Constant").attr("value", t), "const", 1)[0]);
    }

    String ints(long... v) {
        return constant(Tensor.of(v, v.length), "i64" + Arrays.toString(v));
    }

    /** A scalar of {@code v} with the element type of {@code like}; CastLike when that type is not known statically. */
    String scalar(double v, String like) {
        ValueType.TensorType t = type(like);
        DType d = t == null ? null : t.elementType();
        if (d == DType.DOUBLE) {
            return constant(Tensor.scalar(v), "f64:" + v);
        }
        if (d == DType.FLOAT) {
            return constant(Tensor.scalar((float) v), "f32:" + v);
        }
        String f = constant(Tensor.scalar(v), "f64:" + v);
        return add(Node.builder("CastLike").inputs(f, like), "castlike", 1)[0];
    }

    /** A tensor shaped like {@code shapeOf} filled with {@code v}, in {@code like}'s element type. */
    String full(double v, String shapeOf, String like) {
        ValueType.TensorType t = type(like);
        DType d = t == null ? null : t.elementType();
        Tensor fill = d == DType.DOUBLE ? Tensor.of(new double[] {v}, 1) : Tensor.of(new float[] {(float) v}, 1);
        String shape = add(Node.builder("Shape").input(shapeOf), "shape", 1)[0];
        String out = add(Node.builder("ConstantOfShape").input(shape).attr("value", fill), "fill", 1)[0];
        if (d == DType.DOUBLE || d == DType.FLOAT) {
            return out;
        }
        return add(Node.builder("CastLike").inputs(out, like), "castlike", 1)[0];
    }
}
