package dev.kiln.backend.cpu.kernels.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.ir.Attribute;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.testing.KernelHarness;
import dev.kiln.testing.OrtReference;
import dev.kiln.testing.TensorAssert;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The sequence and optional kernels against ONNX Runtime: small graphs from tensors to tensors (sequences
 * and optionals stay inside), run node by node through Kiln's kernels and whole in ORT.
 */
class SequenceKernelsOrtTest {
    private static final Random RANDOM = new Random(9);

    static Tensor random(long... dims) {
        float[] v = new float[(int) Shape.of(dims).elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = RANDOM.nextFloat() * 2 - 1;
        }
        return Tensor.of(v, dims);
    }

    /** Runs the nodes in order through Kiln and the same graph in ORT; asserts every named output agrees exactly. */
    private static void assertGraphMatchesOrt(Map<String, Tensor> inputs, List<Node> nodes, List<String> outputs) {
        Map<String, RuntimeValue> env = new HashMap<>(inputs);
        for (Node n : nodes) {
            List<RuntimeValue> args = new ArrayList<>();
            for (String in : n.inputs()) {
                args.add(in.isEmpty() ? null : env.get(in));
            }
            List<RuntimeValue> out = KernelHarness.run(n, 18, args);
            for (int i = 0; i < out.size(); i++) {
                env.put(n.output(i), out.get(i));
            }
        }
        Graph.Builder g = Graph.builder("sequence_test");
        inputs.forEach((name, t) -> g.input(name, new ValueType.TensorType(t.dtype(), t.shape())));
        nodes.forEach(g::node);
        for (String o : outputs) {
            g.output(o, new ValueType.TensorType(((Tensor) env.get(o)).dtype(), null));
        }
        Map<String, Tensor> ort = OrtReference.run(Model.builder(g.build()).opset("", 18).irVersion(9).build(), new LinkedHashMap<>(inputs));
        for (String o : outputs) {
            assertEquals(null, TensorAssert.difference(ort.get(o), (Tensor) env.get(o), 0, 0), "output " + o);
        }
    }

    private static Node node(String op, String[] in, String out) {
        return Node.builder(op).inputs(in).outputs(out).build();
    }

    @Test
    void constructInsertEraseAtLengthConcat() {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("x", random(3, 4));
        in.put("y", random(2, 4));
        in.put("z", random(1, 4));
        in.put("front", Tensor.scalar(0L));
        in.put("minus1", Tensor.scalar(-1L));
        in.put("one", Tensor.scalar(1L));
        List<Node> nodes = List.of(
                node("SequenceConstruct", new String[] {"x", "y"}, "s1"),
                node("SequenceInsert", new String[] {"s1", "z", "front"}, "s2"),
                node("SequenceInsert", new String[] {"s2", "x"}, "s3"),
                node("SequenceErase", new String[] {"s3", "one"}, "s4"),
                node("SequenceErase", new String[] {"s4"}, "s5"),
                node("SequenceLength", new String[] {"s4"}, "len"),
                node("SequenceAt", new String[] {"s4", "minus1"}, "last"),
                node("SequenceAt", new String[] {"s5", "one"}, "second"),
                Node.builder("ConcatFromSequence").inputs("s4").outputs("cat").attr("axis", 0L).build(),
                Node.builder("ConcatFromSequence").inputs("s5").outputs("catNeg").attr("axis", -2L).build());
        assertGraphMatchesOrt(in, nodes, List.of("len", "last", "second", "cat", "catNeg"));
    }

    @Test
    void splitToSequenceAndStack() {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("x", random(2, 7, 3));
        in.put("chunk", Tensor.scalar(3L));
        in.put("parts", Tensor.of(new long[] {1, 4, 2}, 3));
        in.put("zero", Tensor.scalar(0L));
        in.put("two", Tensor.scalar(2L));
        List<Node> nodes = List.of(
                Node.builder("SplitToSequence").inputs("x", "chunk").outputs("byChunk").attr("axis", 1L).build(),
                Node.builder("SplitToSequence").inputs("x", "parts").outputs("byParts").attr("axis", -2L).build(),
                Node.builder("SplitToSequence").inputs("x").outputs("ones").attr("axis", 2L).attr("keepdims", 0L).build(),
                node("SequenceLength", new String[] {"byChunk"}, "chunks"),
                node("SequenceAt", new String[] {"byChunk", "two"}, "lastChunk"),
                node("SequenceAt", new String[] {"byParts", "zero"}, "firstPart"),
                Node.builder("ConcatFromSequence").inputs("byParts").outputs("rejoined").attr("axis", 1L).build(),
                Node.builder("ConcatFromSequence").inputs("ones").outputs("stacked").attr("axis", 0L).attr("new_axis", 1L).build(),
                Node.builder("ConcatFromSequence").inputs("ones").outputs("stackedLast").attr("axis", -1L).attr("new_axis", 1L).build());
        assertGraphMatchesOrt(in, nodes, List.of("chunks", "lastChunk", "firstPart", "rejoined", "stacked", "stackedLast"));
    }

    @Test
    void emptySequenceAndOptionals() {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("x", random(2, 3));
        List<Node> nodes = List.of(
                Node.builder("SequenceEmpty").outputs("empty").attr("dtype", (long) DType.FLOAT.code()).build(),
                node("SequenceInsert", new String[] {"empty", "x"}, "single"),
                node("SequenceLength", new String[] {"empty"}, "emptyLength"),
                Node.builder("ConcatFromSequence").inputs("single").outputs("only").attr("axis", 1L).build(),
                node("Optional", new String[] {"x"}, "someX"),
                node("OptionalHasElement", new String[] {"someX"}, "hasX"),
                node("OptionalGetElement", new String[] {"someX"}, "gotX"),
                Node.builder("Optional").outputs("none")
                        .attribute(Attribute.of("type", new ValueType.TensorType(DType.FLOAT, null))).build(),
                node("OptionalHasElement", new String[] {"none"}, "hasNone"),
                node("Optional", new String[] {"single"}, "someSeq"),
                node("OptionalGetElement", new String[] {"someSeq"}, "gotSeq"),
                node("SequenceLength", new String[] {"gotSeq"}, "seqLength"));
        assertGraphMatchesOrt(in, nodes, List.of("emptyLength", "only", "hasX", "gotX", "hasNone", "seqLength"));
    }
}
