package dev.kiln.samples.fuzz;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.kiln.converters.proto.OnnxProto.AttributeProto;
import dev.kiln.converters.proto.OnnxProto.GraphProto;
import dev.kiln.converters.proto.OnnxProto.ModelProto;
import dev.kiln.converters.proto.OnnxProto.NodeProto;
import dev.kiln.converters.proto.OnnxProto.TensorProto;
import dev.kiln.converters.proto.OnnxProto.TensorShapeProto;
import dev.kiln.converters.proto.OnnxProto.TypeProto;
import dev.kiln.converters.proto.OnnxProto.ValueInfoProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Makes hostile variants of a valid ONNX model, deterministically from a random source. Most
 * mutations work on the protobuf structure (dims, element types, duplicated or dropped fields,
 * renamed values, extreme attribute and tensor values, opset versions) in any graph of the model,
 * subgraphs included; the rest damage the serialized bytes (flips, truncation, a repeated byte range).
 * Stateless; thread-safe.
 */
public final class ModelMutator {
    /** The kinds of damage, each named in a fuzz case's description. */
    public enum Kind {
        INFLATE_DIM, SWAP_ELEMENT_TYPE, DUPLICATE_FIELD, DROP_FIELD, RENAME_VALUE, EXTREME_ATTRIBUTE, EXTREME_TENSOR_DATA,
        CHANGE_OPSET, BYTE_FLIP, TRUNCATE, REPEAT_BYTES
    }

    private static final long[] EXTREME_INTS = {-1, 0, 1, -2, 7, 1L << 31, (1L << 31) - 1, -(1L << 31), 1L << 40, Long.MAX_VALUE,
        Long.MIN_VALUE, 1L << 62, 100_000, -100_000, 1L << 16, 1L << 28, 50_000_000, 3_000};
    private static final float[] EXTREME_FLOATS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -1f, 1e30f, -1e-30f};

    /** A mutated model and the mutations applied, in order. */
    public record Result(byte[] bytes, List<String> applied) {
    }

    /** Applies one to three mutations to {@code original} (a serialized ModelProto). */
    public Result mutate(byte[] original, SplittableRandom rng) {
        int count = 1 + rng.nextInt(3);
        byte[] bytes = original;
        List<String> applied = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Kind kind = Kind.values()[rng.nextInt(Kind.values().length)];
            byte[] next = apply(kind, bytes, rng, applied);
            if (next != null) {
                bytes = next;
            }
        }
        return new Result(bytes, applied);
    }

    private byte[] apply(Kind kind, byte[] bytes, SplittableRandom rng, List<String> applied) {
        switch (kind) {
            case BYTE_FLIP -> {
                byte[] b = bytes.clone();
                int flips = 1 + rng.nextInt(8);
                for (int i = 0; i < flips && b.length > 0; i++) {
                    int at = rng.nextInt(b.length);
                    b[at] ^= (byte) (1 << rng.nextInt(8));
                }
                applied.add(kind + " x" + flips);
                return b;
            }
            case TRUNCATE -> {
                int len = bytes.length == 0 ? 0 : rng.nextInt(bytes.length);
                applied.add(kind + " to " + len);
                return Arrays.copyOf(bytes, len);
            }
            case REPEAT_BYTES -> {
                if (bytes.length < 2) {
                    return null;
                }
                int from = rng.nextInt(bytes.length - 1);
                int len = 1 + rng.nextInt(Math.min(64, bytes.length - from));
                byte[] b = new byte[bytes.length + len];
                System.arraycopy(bytes, 0, b, 0, from + len);
                System.arraycopy(bytes, from, b, from + len, bytes.length - from);
                applied.add(kind + " [" + from + "," + (from + len) + ")");
                return b;
            }
            default -> {
                ModelProto m;
                try {
                    m = ModelProto.parseFrom(bytes);
                } catch (InvalidProtocolBufferException e) {
                    // an earlier byte mutation broke the structure; nothing structural left to mutate
                    return null;
                }
                ModelProto.Builder b = m.toBuilder();
                String what = structural(kind, b, rng);
                if (what == null) {
                    return null;
                }
                applied.add(kind + " " + what);
                return b.build().toByteArray();
            }
        }
    }

    private String structural(Kind kind, ModelProto.Builder m, SplittableRandom rng) {
        if (kind == Kind.CHANGE_OPSET) {
            if (m.getOpsetImportCount() == 0) {
                return null;
            }
            int i = rng.nextInt(m.getOpsetImportCount());
            long v = rng.nextInt(4) == 0 ? EXTREME_INTS[rng.nextInt(EXTREME_INTS.length)] : 1 + rng.nextInt(25);
            m.getOpsetImportBuilder(i).setVersion(v);
            return "opset_import[" + i + "] = " + v;
        }
        List<GraphProto.Builder> graphs = new ArrayList<>();
        collect(m.getGraphBuilder(), graphs);
        GraphProto.Builder g = graphs.get(rng.nextInt(graphs.size()));
        return switch (kind) {
            case INFLATE_DIM -> inflateDim(g, rng);
            case SWAP_ELEMENT_TYPE -> swapType(g, rng);
            case DUPLICATE_FIELD -> duplicate(g, rng);
            case DROP_FIELD -> drop(g, rng);
            case RENAME_VALUE -> rename(g, rng);
            case EXTREME_ATTRIBUTE -> extremeAttribute(g, rng);
            case EXTREME_TENSOR_DATA -> extremeTensor(g, rng);
            default -> null;
        };
    }

    private static void collect(GraphProto.Builder g, List<GraphProto.Builder> acc) {
        acc.add(g);
        for (NodeProto.Builder n : g.getNodeBuilderList()) {
            for (AttributeProto.Builder a : n.getAttributeBuilderList()) {
                if (a.hasG()) {
                    collect(a.getGBuilder(), acc);
                }
                for (GraphProto.Builder sub : a.getGraphsBuilderList()) {
                    collect(sub, acc);
                }
            }
        }
    }

    private static String inflateDim(GraphProto.Builder g, SplittableRandom rng) {
        long big = EXTREME_INTS[rng.nextInt(EXTREME_INTS.length)];
        if (g.getInitializerCount() > 0 && rng.nextBoolean()) {
            int i = rng.nextInt(g.getInitializerCount());
            TensorProto.Builder t = g.getInitializerBuilder(i);
            if (t.getDimsCount() == 0) {
                t.addDims(big);
            } else {
                t.setDims(rng.nextInt(t.getDimsCount()), big);
            }
            return "initializer '" + t.getName() + "' dim = " + big;
        }
        List<ValueInfoProto.Builder> values = valueInfos(g);
        if (values.isEmpty()) {
            return null;
        }
        ValueInfoProto.Builder v = values.get(rng.nextInt(values.size()));
        if (!v.getType().hasTensorType()) {
            return null;
        }
        TensorShapeProto.Builder s = v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        TensorShapeProto.Dimension d = TensorShapeProto.Dimension.newBuilder().setDimValue(big).build();
        if (s.getDimCount() == 0) {
            s.addDim(d);
        } else {
            s.setDim(rng.nextInt(s.getDimCount()), d);
        }
        return "value '" + v.getName() + "' dim = " + big;
    }

    private static String swapType(GraphProto.Builder g, SplittableRandom rng) {
        int code = rng.nextInt(27);
        if (g.getInitializerCount() > 0 && rng.nextBoolean()) {
            TensorProto.Builder t = g.getInitializerBuilder(rng.nextInt(g.getInitializerCount()));
            t.setDataType(code);
            return "initializer '" + t.getName() + "' data_type = " + code;
        }
        List<ValueInfoProto.Builder> values = valueInfos(g);
        if (values.isEmpty()) {
            return null;
        }
        ValueInfoProto.Builder v = values.get(rng.nextInt(values.size()));
        TypeProto.Builder t = v.getTypeBuilder();
        if (t.hasTensorType()) {
            t.getTensorTypeBuilder().setElemType(code);
        } else if (t.hasSequenceType() && t.getSequenceType().getElemType().hasTensorType()) {
            t.getSequenceTypeBuilder().getElemTypeBuilder().getTensorTypeBuilder().setElemType(code);
        } else {
            return null;
        }
        return "value '" + v.getName() + "' elem_type = " + code;
    }

    private static String duplicate(GraphProto.Builder g, SplittableRandom rng) {
        switch (rng.nextInt(5)) {
            case 0 -> {
                if (g.getNodeCount() == 0) {
                    return null;
                }
                int i = rng.nextInt(g.getNodeCount());
                g.addNode(g.getNode(i));
                return "node " + i;
            }
            case 1 -> {
                if (g.getInitializerCount() == 0) {
                    return null;
                }
                int i = rng.nextInt(g.getInitializerCount());
                g.addInitializer(g.getInitializer(i));
                return "initializer " + i;
            }
            case 2 -> {
                if (g.getInputCount() == 0) {
                    return null;
                }
                int i = rng.nextInt(g.getInputCount());
                g.addInput(g.getInput(i));
                return "input " + i;
            }
            case 3 -> {
                if (g.getOutputCount() == 0) {
                    return null;
                }
                int i = rng.nextInt(g.getOutputCount());
                g.addOutput(g.getOutput(i));
                return "output " + i;
            }
            default -> {
                NodeProto.Builder n = nodeWithAttributes(g, rng);
                if (n == null) {
                    return null;
                }
                int i = rng.nextInt(n.getAttributeCount());
                n.addAttribute(n.getAttribute(i));
                return "attribute '" + n.getAttribute(i).getName() + "' of " + n.getOpType();
            }
        }
    }

    private static String drop(GraphProto.Builder g, SplittableRandom rng) {
        switch (rng.nextInt(4)) {
            case 0 -> {
                if (g.getNodeCount() == 0) {
                    return null;
                }
                int i = rng.nextInt(g.getNodeCount());
                g.removeNode(i);
                return "node " + i;
            }
            case 1 -> {
                if (g.getInitializerCount() == 0) {
                    return null;
                }
                int i = rng.nextInt(g.getInitializerCount());
                g.removeInitializer(i);
                return "initializer " + i;
            }
            case 2 -> {
                if (g.getInputCount() == 0) {
                    return null;
                }
                int i = rng.nextInt(g.getInputCount());
                g.removeInput(i);
                return "input " + i;
            }
            default -> {
                NodeProto.Builder n = nodeWithAttributes(g, rng);
                if (n == null) {
                    return null;
                }
                int i = rng.nextInt(n.getAttributeCount());
                String name = n.getAttribute(i).getName();
                n.removeAttribute(i);
                return "attribute '" + name + "' of " + n.getOpType();
            }
        }
    }

    private static String rename(GraphProto.Builder g, SplittableRandom rng) {
        if (g.getNodeCount() == 0) {
            return null;
        }
        List<String> names = new ArrayList<>();
        g.getNodeList().forEach(n -> {
            names.addAll(n.getInputList());
            names.addAll(n.getOutputList());
        });
        names.add("no_such_value");
        names.add("");
        NodeProto.Builder n = g.getNodeBuilder(rng.nextInt(g.getNodeCount()));
        String to = names.get(rng.nextInt(names.size()));
        boolean input = n.getInputCount() > 0 && (n.getOutputCount() == 0 || rng.nextBoolean());
        if (input) {
            int i = rng.nextInt(n.getInputCount());
            n.setInput(i, to);
            return n.getOpType() + " input " + i + " = '" + to + "'";
        }
        if (n.getOutputCount() == 0) {
            return null;
        }
        int i = rng.nextInt(n.getOutputCount());
        n.setOutput(i, to);
        return n.getOpType() + " output " + i + " = '" + to + "'";
    }

    private static String extremeAttribute(GraphProto.Builder g, SplittableRandom rng) {
        NodeProto.Builder n = nodeWithAttributes(g, rng);
        if (n == null) {
            return null;
        }
        AttributeProto.Builder a = n.getAttributeBuilder(rng.nextInt(n.getAttributeCount()));
        long v = EXTREME_INTS[rng.nextInt(EXTREME_INTS.length)];
        String where = n.getOpType() + " attribute '" + a.getName() + "'";
        if (a.hasI()) {
            a.setI(v);
        } else if (a.getIntsCount() > 0) {
            a.setInts(rng.nextInt(a.getIntsCount()), v);
        } else if (a.hasF()) {
            float f = EXTREME_FLOATS[rng.nextInt(EXTREME_FLOATS.length)];
            a.setF(f);
            return where + " = " + f;
        } else if (a.hasT()) {
            return where + " tensor " + extremeTensorData(a.getTBuilder(), rng);
        } else {
            // another type: declare it INT with a value, a type confusion
            a.clearType().setType(AttributeProto.AttributeType.INT).setI(v);
            return where + " retyped INT = " + v;
        }
        return where + " = " + v;
    }

    private static String extremeTensor(GraphProto.Builder g, SplittableRandom rng) {
        List<TensorProto.Builder> tensors = new ArrayList<>(g.getInitializerBuilderList());
        for (NodeProto.Builder n : g.getNodeBuilderList()) {
            for (AttributeProto.Builder a : n.getAttributeBuilderList()) {
                if (a.hasT()) {
                    tensors.add(a.getTBuilder());
                }
            }
        }
        if (tensors.isEmpty()) {
            return null;
        }
        TensorProto.Builder t = tensors.get(rng.nextInt(tensors.size()));
        return "'" + t.getName() + "' " + extremeTensorData(t, rng);
    }

    /** Sets one element of an integer tensor (shape and index inputs live there) or cuts its raw data. */
    private static String extremeTensorData(TensorProto.Builder t, SplittableRandom rng) {
        long v = EXTREME_INTS[rng.nextInt(EXTREME_INTS.length)];
        if (t.getInt64DataCount() > 0) {
            int i = rng.nextInt(t.getInt64DataCount());
            t.setInt64Data(i, v);
            return "int64_data[" + i + "] = " + v;
        }
        if (t.getInt32DataCount() > 0) {
            int i = rng.nextInt(t.getInt32DataCount());
            t.setInt32Data(i, (int) v);
            return "int32_data[" + i + "] = " + (int) v;
        }
        ByteString raw = t.getRawData();
        if (raw.isEmpty()) {
            return "unchanged";
        }
        byte[] b = raw.toByteArray();
        if (rng.nextInt(3) == 0) {
            t.setRawData(ByteString.copyFrom(b, 0, rng.nextInt(b.length)));
            return "raw_data cut";
        }
        int width = t.getDataType() == 7 ? 8 : t.getDataType() == 6 || t.getDataType() == 1 ? 4 : 1;
        int at = rng.nextInt(Math.max(1, b.length / width)) * width;
        for (int k = 0; k < width && at + k < b.length; k++) {
            b[at + k] = (byte) (v >>> (8 * k));
        }
        t.setRawData(ByteString.copyFrom(b));
        return "raw element at byte " + at + " = " + v;
    }

    private static NodeProto.Builder nodeWithAttributes(GraphProto.Builder g, SplittableRandom rng) {
        List<NodeProto.Builder> with = g.getNodeBuilderList().stream().filter(n -> n.getAttributeCount() > 0).toList();
        return with.isEmpty() ? null : with.get(rng.nextInt(with.size()));
    }

    private static List<ValueInfoProto.Builder> valueInfos(GraphProto.Builder g) {
        List<ValueInfoProto.Builder> all = new ArrayList<>(g.getInputBuilderList());
        all.addAll(g.getOutputBuilderList());
        all.addAll(g.getValueInfoBuilderList());
        return all;
    }
}
