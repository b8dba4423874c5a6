package dev.kiln.runtime.session;

import static dev.kiln.runtime.testing.Graphs.floats;
import static dev.kiln.runtime.testing.Graphs.in;
import static dev.kiln.runtime.testing.Graphs.node;
import static dev.kiln.runtime.testing.Graphs.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Donated inputs ({@link RunOptions.Builder#donate}) on the CPU backend's AdamW, the kernel that updates in
 * place: outputs are bit-equal with and without donation, a donated tensor read last by AdamW comes back as
 * its output, and no tensor that was not donated (or that is still read later, or is shared with an input
 * not donated) is ever written.
 */
class DonatedInputsTest {
    private static final int N = 10_000;
    private static final List<String> STATE = List.of("X", "V", "H");

    /** AdamW on one variable; {@code alsoRead} adds a Neg of X after the update and a Neg of "W" (another input). */
    private static Model adamW(boolean alsoRead) {
        Node update = Node.builder("AdamW").domain("dev.kiln.training").name("optimizer").inputs("R", "T", "X", "G", "V", "H")
                .output("X_new").output("V_new").output("H_new").attr("weight_decay", 0.01f).build();
        Graph.Builder g = Graph.builder("adamw").input(tensor("R", DType.FLOAT)).input(tensor("T", DType.INT64));
        for (String name : List.of("X", "G", "V", "H")) {
            g.input(floats(name, N));
        }
        g.node(update).output(floats("X_new", N)).output(floats("V_new", N)).output(floats("H_new", N));
        if (alsoRead) {
            g.input(floats("W", N)).node(node("Neg", in("X"), "X_neg")).node(node("Neg", in("W"), "W_neg"))
                    .output(floats("X_neg", N)).output(floats("W_neg", N));
        }
        return Model.builder(g.build()).opset("", 21).opset("dev.kiln.training", 1).build();
    }

    private static Map<String, Tensor> feeds(long seed) {
        Random r = new Random(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (String name : List.of("X", "G", "V", "H")) {
            float[] a = new float[N];
            for (int i = 0; i < N; i++) {
                a[i] = name.equals("H") ? r.nextFloat() : (float) r.nextGaussian();
            }
            m.put(name, Tensor.of(a, N));
        }
        m.put("R", Tensor.scalar(1e-3f));
        m.put("T", Tensor.scalar(3L));
        return m;
    }

    private static Map<String, Tensor> copies(Map<String, Tensor> m) {
        Map<String, Tensor> c = new LinkedHashMap<>();
        m.forEach((k, v) -> c.put(k, v.size() == N ? Tensor.of(v.floatData().clone(), N) : v));
        return c;
    }

    private static RunOptions donating(List<String> names) {
        return RunOptions.builder().donate(names).build();
    }

    private static float[] out(Map<String, RuntimeValue> out, String name) {
        return ((Tensor) out.get(name)).floatData();
    }

    @Test
    void donatedStateIsUpdatedInPlaceWithTheSameOutputs() {
        try (Session s = Session.open(adamW(false), SessionOptions.builder().threads(2).build())) {
            Map<String, Tensor> plain = feeds(1);
            Map<String, Tensor> before = copies(plain);
            Map<String, RuntimeValue> expected = s.run(plain);
            for (String name : List.of("X", "G", "V", "H")) {
                assertArrayEquals(before.get(name).floatData(), plain.get(name).floatData(), "input " + name + " untouched without donation");
            }
            for (String name : STATE) {
                assertNotSame(plain.get(name).floatData(), out(expected, name + "_new"), "a new array without donation");
            }
            Map<String, Tensor> given = copies(before);
            Map<String, RuntimeValue> got = s.run(given, donating(STATE));
            for (String name : STATE) {
                assertArrayEquals(out(expected, name + "_new"), out(got, name + "_new"), name + "_new");
                assertSame(given.get(name).floatData(), out(got, name + "_new"), name + " updated in its own storage");
            }
            assertArrayEquals(before.get("G").floatData(), given.get("G").floatData(), "the gradient, not donated, is never written");
        }
    }

    @Test
    void onlyTheDonatedInputsAreWritten() {
        try (Session s = Session.open(adamW(false), SessionOptions.builder().threads(1).build())) {
            Map<String, Tensor> before = feeds(2);
            Map<String, RuntimeValue> expected = s.run(copies(before));
            Map<String, Tensor> given = copies(before);
            Map<String, RuntimeValue> got = s.run(given, donating(List.of("V", "G")));
            assertSame(given.get("V").floatData(), out(got, "V_new"));
            for (String name : List.of("X", "G", "H")) {
                assertArrayEquals(before.get(name).floatData(), given.get(name).floatData(), name + " is not written");
            }
            for (String name : STATE) {
                assertArrayEquals(out(expected, name + "_new"), out(got, name + "_new"), name + "_new");
            }
        }
    }

    @Test
    void aDonatedTensorStillReadLaterOrFedUnderAnotherNameIsNotWritten() {
        try (Session s = Session.open(adamW(true), SessionOptions.builder().threads(1).build())) {
            Map<String, Tensor> before = feeds(3);
            Map<String, Tensor> given = copies(before);
            // V is also fed as W, which is not donated; X is read by a Neg after the update
            Map<String, RuntimeValue> feeds = new LinkedHashMap<>(given);
            feeds.put("W", given.get("V"));
            Map<String, RuntimeValue> got = s.run(feeds, donating(List.of("X", "V", "H")));
            // AdamW must leave X for the Neg that reads it later; that Neg, X's last reader, may then write it in place
            float[] x = before.get("X").floatData();
            float[] negated = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                negated[i] = -x[i];
            }
            assertArrayEquals(negated, out(got, "X_neg"), "X is read after AdamW");
            assertArrayEquals(before.get("V").floatData(), given.get("V").floatData(), "V's storage is also the undonated W");
            assertSame(given.get("H").floatData(), out(got, "H_new"), "H alone was free to reuse");
            Map<String, Tensor> plain = copies(before);
            Map<String, RuntimeValue> plainFeeds = new LinkedHashMap<>(plain);
            plainFeeds.put("W", plain.get("V"));
            Map<String, RuntimeValue> expected = s.run(plainFeeds);
            for (String name : List.of("X_new", "V_new", "H_new", "X_neg", "W_neg")) {
                assertArrayEquals(out(expected, name), out(got, name), name);
            }
        }
    }

    @Test
    void theSameTensorUnderTwoDonatedNamesIsNotWritten() {
        try (Session s = Session.open(adamW(false), SessionOptions.builder().threads(1).build())) {
            Map<String, Tensor> before = feeds(4);
            before.put("H", before.get("V"));
            Map<String, Tensor> given = copies(before);
            given.put("H", given.get("V"));
            Map<String, RuntimeValue> got = s.run(given, donating(STATE));
            assertArrayEquals(before.get("V").floatData(), given.get("V").floatData(), "V and H share storage: neither is written");
            assertSame(given.get("X").floatData(), out(got, "X_new"));
            Map<String, RuntimeValue> expected = s.run(copies(before));
            for (String name : STATE) {
                assertArrayEquals(out(expected, name + "_new"), out(got, name + "_new"), name + "_new");
            }
        }
    }
}
