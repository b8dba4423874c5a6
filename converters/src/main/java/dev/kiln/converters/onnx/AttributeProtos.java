package dev.kiln.converters.onnx;

import com.google.protobuf.ByteString;
import dev.kiln.api.ModelLoadException;
import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.AttributeType;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.proto.OnnxProto.AttributeProto;
import dev.kiln.converters.proto.OnnxProto.GraphProto;
import dev.kiln.converters.proto.OnnxProto.TensorProto;
import dev.kiln.converters.proto.OnnxProto.TypeProto;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Converts node attributes between {@code AttributeProto} and Kiln's {@link Attribute}. Subgraphs are
 * converted by the caller's function so that scoping and depth limits stay with the graph importer.
 * Attributes of old models that lack the type field get it from the one value field that is set.
 */
final class AttributeProtos {
    private AttributeProtos() {
    }

    static Attribute toAttribute(AttributeProto a, LoadContext ctx, Function<GraphProto, Graph> subgraph, String what) {
        String name = a.getName();
        if (name.isEmpty()) {
            throw new ModelLoadException(what + ": an attribute has no name");
        }
        String where = what + ", attribute '" + name + "'";
        if (a.hasRefAttrName()) {
            throw new ModelLoadException(where + ": refers to attribute '" + a.getRefAttrName() + "' of a function call outside a function body");
        }
        return switch (typeOf(a, where)) {
            case FLOAT -> Attribute.of(name, a.getF());
            case INT -> Attribute.of(name, a.getI());
            case STRING -> Attribute.of(name, a.getS().toString(StandardCharsets.UTF_8));
            case TENSOR -> Attribute.of(name, TensorProtos.toTensor(a.getT(), ctx, where));
            case GRAPH -> Attribute.of(name, subgraph.apply(a.getG()));
            case SPARSE_TENSOR -> Attribute.sparse(name, SparseTensors.densify(a.getSparseTensor(), ctx, where));
            case TYPE_PROTO -> Attribute.of(name, type(a.getTp(), where));
            case FLOATS -> Attribute.of(name, floats(a));
            case INTS -> Attribute.of(name, a.getIntsList().stream().mapToLong(Long::longValue).toArray());
            case STRINGS -> Attribute.strings(name, a.getStringsList().stream().map(s -> s.toString(StandardCharsets.UTF_8)).toList());
            case TENSORS -> {
                List<Tensor> ts = new ArrayList<>();
                for (TensorProto t : a.getTensorsList()) {
                    ts.add(TensorProtos.toTensor(t, ctx, where + " element " + ts.size()));
                }
                yield Attribute.tensors(name, ts);
            }
            case GRAPHS -> Attribute.graphs(name, a.getGraphsList().stream().map(subgraph).toList());
            case TYPE_PROTOS -> Attribute.typeProtos(name, a.getTypeProtosList().stream().map(t -> type(t, where)).toList());
            case SPARSE_TENSORS -> throw new ModelLoadException(where + ": lists of sparse tensors are not supported");
        };
    }

    static AttributeProto toProto(Attribute a, Function<Graph, GraphProto> subgraph) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(a.name())
                .setType(AttributeProto.AttributeType.forNumber(a.type().code()));
        switch (a.type()) {
            case FLOAT -> b.setF(a.asFloat());
            case INT -> b.setI(a.asLong());
            case STRING -> b.setS(ByteString.copyFromUtf8(a.asString()));
            case TENSOR -> b.setT(TensorProtos.toProto(a.asTensor(), ""));
            case GRAPH -> b.setG(subgraph.apply(a.asGraph()));
            case SPARSE_TENSOR -> b.setSparseTensor(SparseTensors.sparsify(a.asTensor()));
            case TYPE_PROTO -> b.setTp(TypeProtos.toProto(a.asType()));
            case FLOATS -> {
                for (float f : a.asFloats()) {
                    b.addFloats(f);
                }
            }
            case INTS -> {
                for (long l : a.asLongs()) {
                    b.addInts(l);
                }
            }
            case STRINGS -> a.asStrings().forEach(s -> b.addStrings(ByteString.copyFromUtf8(s)));
            case TENSORS -> a.asTensors().forEach(t -> b.addTensors(TensorProtos.toProto(t, "")));
            case GRAPHS -> a.asGraphs().forEach(g -> b.addGraphs(subgraph.apply(g)));
            case TYPE_PROTOS -> a.asTypes().forEach(t -> b.addTypeProtos(TypeProtos.toProto(t)));
            case SPARSE_TENSORS -> throw new IllegalArgumentException("attribute '" + a.name() + "': lists of sparse tensors cannot be written");
        }
        return b.build();
    }

    private static AttributeType typeOf(AttributeProto a, String where) {
        if (a.getType() != AttributeProto.AttributeType.UNDEFINED) {
            AttributeType declared;
            try {
                declared = AttributeType.fromCode(a.getType().getNumber());
            } catch (IllegalArgumentException e) {
                throw new ModelLoadException(where + ": " + e.getMessage(), e);
            }
            if (!singleValuePresent(a, declared) && hasAnyValue(a)) {
                throw new ModelLoadException(where + ": declared " + declared + " but its value is in the field of another type");
            }
            return declared;
        }
        // models from before the type field existed: the single value field that is set decides
        if (a.hasF()) {
            return AttributeType.FLOAT;
        } else if (a.hasI()) {
            return AttributeType.INT;
        } else if (a.hasS()) {
            return AttributeType.STRING;
        } else if (a.hasT()) {
            return AttributeType.TENSOR;
        } else if (a.hasG()) {
            return AttributeType.GRAPH;
        } else if (a.getFloatsCount() > 0) {
            return AttributeType.FLOATS;
        } else if (a.getIntsCount() > 0) {
            return AttributeType.INTS;
        } else if (a.getStringsCount() > 0) {
            return AttributeType.STRINGS;
        } else if (a.getTensorsCount() > 0) {
            return AttributeType.TENSORS;
        } else if (a.getGraphsCount() > 0) {
            return AttributeType.GRAPHS;
        }
        throw new ModelLoadException(where + ": has no type and no value");
    }

    /** False when a single-valued type's field is unset; lists may legitimately be empty. */
    private static boolean singleValuePresent(AttributeProto a, AttributeType t) {
        return switch (t) {
            case FLOAT -> a.hasF();
            case INT -> a.hasI();
            case STRING -> a.hasS();
            case TENSOR -> a.hasT();
            case GRAPH -> a.hasG();
            case SPARSE_TENSOR -> a.hasSparseTensor();
            case TYPE_PROTO -> a.hasTp();
            default -> true;
        };
    }

    private static boolean hasAnyValue(AttributeProto a) {
        return a.hasF() || a.hasI() || a.hasS() || a.hasT() || a.hasG() || a.hasSparseTensor() || a.hasTp()
                || a.getFloatsCount() + a.getIntsCount() + a.getStringsCount() + a.getTensorsCount() + a.getGraphsCount() > 0;
    }

    private static float[] floats(AttributeProto a) {
        float[] f = new float[a.getFloatsCount()];
        for (int i = 0; i < f.length; i++) {
            f[i] = a.getFloats(i);
        }
        return f;
    }

    private static ValueType type(TypeProto t, String where) {
        ValueType v = TypeProtos.toValueType(t, where);
        if (v == null) {
            throw new ModelLoadException(where + ": the type proto sets no type");
        }
        return v;
    }
}
