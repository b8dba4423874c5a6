package dev.kiln.runtime.autodiff;

import dev.kiln.api.KilnException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;

import java.util.Arrays;

/**
 * What a {@link GradientRule} sees of one forward node: the node, the gradients of its outputs, which
 * inputs need a gradient, the static types of forward values, and methods that emit backward nodes with
 * fresh value names. One context per forward node and call; not thread-safe.
 */
public final class GradientContext {
    private final Node node;
    private final String[] outputGradients;
    private final boolean[] needs;
    private final String[] inputGradients;
    private final Emitter emitter;

    GradientContext(Node node, String[] outputGradients, boolean[] needs, Emitter emitter) {
        this.node = node;
        this.outputGradients = outputGradients;
        this.needs = needs;
        this.inputGradients = new String[node.inputs().size()];
        this.emitter = emitter;
    }

    /** The forward node. */
    public Node node() {
        return node;
    }

    public String input(int i) {
        return node.input(i);
    }

    public String output(int i) {
        return node.output(i);
    }

    /** The gradient of output {@code i}, or "" when no gradient flows into it (it is zero). */
    public String outputGradient(int i) {
        return i < outputGradients.length && outputGradients[i] != null ? outputGradients[i] : "";
    }

    public boolean hasOutputGradient(int i) {
        return !outputGradient(i).isEmpty();
    }

    /** The gradient of output 0; fails when none flows (a rule for a single-output op is only called when one does). */
    public String gradient() {
        String g = outputGradient(0);
        if (g.isEmpty()) {
            throw new IllegalStateException(node.describe() + ": no gradient flows into output 0");
        }
        return g;
    }

    /** Whether input {@code i} lies on a path from a differentiated value and so needs a gradient. */
    public boolean needsGradient(int i) {
        return i < needs.length && needs[i];
    }

    /** Records the gradient of input {@code i}; it must have that input's shape and element type. */
    public void setGradient(int i, String value) {
        if (needsGradient(i)) {
            inputGradients[i] = value;
        }
    }

    String[] inputGradients() {
        return inputGradients;
    }

    /** Adds {@code b} (its outputs are replaced) with one fresh output, and returns that output's name. */
    public String emit(Node.Builder b) {
        return emitter.add(b, opTypeOf(b), 1)[0];
    }

    /** Adds {@code b} with {@code count} fresh outputs and returns their names. */
    public String[] emit(Node.Builder b, int count) {
        return emitter.add(b, opTypeOf(b), count);
    }

    private static String opTypeOf(Node.Builder b) {
        return b.clearOutputs().output("_").build().opType();
    }

    /** Emits a node of {@code opType} without attributes over {@code inputs}; returns its output. */
    public String op(String opType, String... inputs) {
        return emitter.add(Node.builder(opType).inputs(inputs), opType, 1)[0];
    }

    public String add(String a, String b) {
        return op("Add", a, b);
    }

    public String sub(String a, String b) {
        return op("Sub", a, b);
    }

    public String mul(String a, String b) {
        return op("Mul", a, b);
    }

    public String div(String a, String b) {
        return op("Div", a, b);
    }

    public String neg(String a) {
        return op("Neg", a);
    }

    /** A scalar constant {@code v} in the element type of the forward value {@code like}. */
    public String scalar(double v, String like) {
        return emitter.scalar(v, like);
    }

    /** A scalar int64 constant. */
    public String longScalar(long v) {
        return emitter.constant(Tensor.scalar(v), "i64:" + v);
    }

    /** A 1-D int64 constant. */
    public String ints(long... v) {
        return emitter.ints(v);
    }

    /** A tensor with the runtime shape of {@code shapeOf}, filled with {@code v}, in the element type of {@code like}. */
    public String full(double v, String shapeOf, String like) {
        return emitter.full(v, shapeOf, like);
    }

    /** The runtime shape of {@code value} as a 1-D int64 tensor. */
    public String shapeOf(String value) {
        return op("Shape", value);
    }

    /** The value of a forward value that is fixed before any run (initializer that is not a graph input, Constant output), or null. */
    public Tensor constantValue(String value) {
        return emitter.forwardConstant(value);
    }

    /** The static tensor type of a forward value, or null when unknown. */
    public ValueType.TensorType type(String value) {
        return emitter.type(value);
    }

    /** The static shape of a forward value, or null when unknown. */
    public Shape shape(String value) {
        ValueType.TensorType t = type(value);
        return t == null ? null : t.shape();
    }

    public DType dtype(String value) {
        ValueType.TensorType t = type(value);
        return t == null ? null : t.elementType();
    }

    /** The static rank of a forward value; fails naming the node when it is unknown. */
    public int rank(String value) {
        Shape s = shape(value);
        if (s == null) {
            throw new KilnException("autodiff: the gradient of " + node.describe() + " needs the rank of '" + value
                    + "', which shape inference could not determine; declare its type");
        }
        return s.rank();
    }

    /** {@code axis} made non-negative against {@code value}'s rank. */
    public int axis(long axis, String value) {
        return (int) (axis < 0 ? axis + rank(value) : axis);
    }

    /**
     * Sums {@code grad}, which has the (broadcast) shape of forward value {@code gradShapeOf}, down to the
     * shape of {@code target}, the input that was broadcast: ReduceSum over the leading axes and over the
     * axes where {@code target} has extent 1, then Reshape to {@code target}'s runtime shape. Works with
     * symbolic dims (the axes come from Shape ops then); emits nothing when the static shapes match.
     */
    public String unbroadcast(String grad, String gradShapeOf, String target) {
        return Broadcasts.reduceTo(this, grad, shape(gradShapeOf), target);
    }

    /** As {@link #unbroadcast(String, String, String)}, with the static shape of {@code grad} given (unknown extents allowed; null when unknown). */
    public String unbroadcast(String grad, Shape gradShape, String target) {
        return Broadcasts.reduceTo(this, grad, gradShape, target);
    }


    @Override
    public String toString() {
        return "backward of " + node.describe() + " (needs " + Arrays.toString(needs) + ")";
    }
}
