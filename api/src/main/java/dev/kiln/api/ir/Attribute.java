package dev.kiln.api.ir;

import dev.kiln.api.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable node attribute. The value's Java type follows the {@link AttributeType}: FLOAT is
 * {@code Float}, INT {@code Long}, STRING {@code String}, TENSOR and SPARSE_TENSOR {@link Tensor}
 * (sparse tensors are densified on import), GRAPH {@link Graph}, TYPE_PROTO {@link ValueType}, FLOATS
 * {@code float[]}, INTS {@code long[]}, STRINGS {@code List<String>}, TENSORS {@code List<Tensor>},
 * GRAPHS {@code List<Graph>}, TYPE_PROTOS {@code List<ValueType>}. Array values are copied in and out.
 */
public final class Attribute {
    private final String name;
    private final AttributeType type;
    private final Object value;

    private Attribute(String name, AttributeType type, Object value) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("an attribute needs a name");
        }
        this.name = name;
        this.type = Objects.requireNonNull(type, "type");
        this.value = Objects.requireNonNull(value, "value of attribute '" + name + "'");
    }

    public static Attribute of(String name, float v) {
        return new Attribute(name, AttributeType.FLOAT, v);
    }

    public static Attribute of(String name, long v) {
        return new Attribute(name, AttributeType.INT, v);
    }

    public static Attribute of(String name, String v) {
        return new Attribute(name, AttributeType.STRING, v);
    }

    public static Attribute of(String name, Tensor v) {
        return new Attribute(name, AttributeType.TENSOR, v);
    }

    public static Attribute of(String name, Graph v) {
        return new Attribute(name, AttributeType.GRAPH, v);
    }

    public static Attribute of(String name, ValueType v) {
        return new Attribute(name, AttributeType.TYPE_PROTO, v);
    }

    public static Attribute of(String name, float[] v) {
        return new Attribute(name, AttributeType.FLOATS, v.clone());
    }

    public static Attribute of(String name, long... v) {
        return new Attribute(name, AttributeType.INTS, v.clone());
    }

    public static Attribute strings(String name, List<String> v) {
        return new Attribute(name, AttributeType.STRINGS, List.copyOf(v));
    }

    public static Attribute tensors(String name, List<Tensor> v) {
        return new Attribute(name, AttributeType.TENSORS, List.copyOf(v));
    }

    public static Attribute graphs(String name, List<Graph> v) {
        return new Attribute(name, AttributeType.GRAPHS, List.copyOf(v));
    }

    public static Attribute typeProtos(String name, List<ValueType> v) {
        return new Attribute(name, AttributeType.TYPE_PROTOS, List.copyOf(v));
    }

    /** A sparse-tensor attribute, already densified. */
    public static Attribute sparse(String name, Tensor dense) {
        return new Attribute(name, AttributeType.SPARSE_TENSOR, dense);
    }

    public String name() {
        return name;
    }

    public AttributeType type() {
        return type;
    }

    /** The raw value (arrays are copied). */
    public Object value() {
        if (value instanceof float[] f) {
            return f.clone();
        }
        if (value instanceof long[] l) {
            return l.clone();
        }
        return value;
    }

    public float asFloat() {
        return switch (type) {
            case FLOAT -> (Float) value;
            case INT -> (Long) value;
            default -> throw wrongType("float");
        };
    }

    public long asLong() {
        if (type != AttributeType.INT) {
            throw wrongType("int");
        }
        return (Long) value;
    }

    public String asString() {
        if (type != AttributeType.STRING) {
            throw wrongType("string");
        }
        return (String) value;
    }

    public Tensor asTensor() {
        if (type != AttributeType.TENSOR && type != AttributeType.SPARSE_TENSOR) {
            throw wrongType("tensor");
        }
        return (Tensor) value;
    }

    public Graph asGraph() {
        if (type != AttributeType.GRAPH) {
            throw wrongType("graph");
        }
        return (Graph) value;
    }

    public ValueType asType() {
        if (type != AttributeType.TYPE_PROTO) {
            throw wrongType("type");
        }
        return (ValueType) value;
    }

    public float[] asFloats() {
        if (type != AttributeType.FLOATS) {
            throw wrongType("floats");
        }
        return ((float[]) value).clone();
    }

    public long[] asLongs() {
        if (type != AttributeType.INTS) {
            throw wrongType("ints");
        }
        return ((long[]) value).clone();
    }

    /** The INTS value as int[]; throws when an element does not fit. */
    public int[] asInts() {
        long[] l = asLongs();
        int[] r = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            r[i] = Math.toIntExact(l[i]);
        }
        return r;
    }

    @SuppressWarnings("unchecked")
    public List<String> asStrings() {
        if (type != AttributeType.STRINGS) {
            throw wrongType("strings");
        }
        return (List<String>) value;
    }

    @SuppressWarnings("unchecked")
    public List<Tensor> asTensors() {
        if (type != AttributeType.TENSORS) {
            throw wrongType("tensors");
        }
        return (List<Tensor>) value;
    }

    @SuppressWarnings("unchecked")
    public List<Graph> asGraphs() {
        if (type != AttributeType.GRAPHS) {
            throw wrongType("graphs");
        }
        return (List<Graph>) value;
    }

    @SuppressWarnings("unchecked")
    public List<ValueType> asTypes() {
        if (type != AttributeType.TYPE_PROTOS) {
            throw wrongType("types");
        }
        return (List<ValueType>) value;
    }

    private IllegalStateException wrongType(String wanted) {
        return new IllegalStateException("attribute '" + name + "' is " + type + ", not " + wanted);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Attribute a) || !a.name.equals(name) || a.type != type) {
            return false;
        }
        if (value instanceof float[] f) {
            return Arrays.equals(f, (float[]) a.value);
        }
        if (value instanceof long[] l) {
            return Arrays.equals(l, (long[]) a.value);
        }
        if (value instanceof Tensor t) {
            return t.contentEquals((Tensor) a.value);
        }
        if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Tensor) {
            List<?> other = (List<?>) a.value;
            if (other.size() != list.size()) {
                return false;
            }
            for (int i = 0; i < list.size(); i++) {
                if (!((Tensor) list.get(i)).contentEquals((Tensor) other.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return value.equals(a.value);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + type.hashCode();
    }

    @Override
    public String toString() {
        Object v = value instanceof float[] f ? Arrays.toString(f) : value instanceof long[] l ? Arrays.toString(l)
                : value instanceof Graph g ? "graph " + g.name() : value;
        return name + "=" + v;
    }
}
