package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.Internal;
import dev.kiln.api.tensor.DType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What each version of each ai.onnx operator looks like: since when it exists, its inputs (required or
 * optional, and the element types each accepts), its output count, its attributes with their
 * defaults, and whether the op was removed. Read once from
 * {@code op-forms.txt}, a table taken from the ONNX operator changelog (regenerate it with
 * {@code converters/src/build/op_forms.py}). Immutable and thread-safe.
 */
@Internal
public final class OpForms {
    /** The newest ai.onnx opset the table knows. */
    public static final int LATEST = 28;

    private static final Map<String, History> TABLE = load();

    private OpForms() {
    }

    /**
     * One version of an op.
     *
     * @param attributes attribute names to their default as written in the spec, or null when none
     * @param maxInputs  -1 when unbounded
     * @param maxOutputs -1 when unbounded
     * @param inputs     the declared inputs in order (a variadic one last)
     */
    public record Form(int since, int maxInputs, int maxOutputs, Map<String, String> attributes, List<Input> inputs) {
        /** False for a version the changelog only marks deprecated without describing it (GroupNormalization-18). */
        public boolean described() {
            return maxOutputs != 0;
        }

        /** The declaration input {@code i} falls under, or null when the form has no such input. */
        public Input input(int i) {
            if (i < inputs.size()) {
                return inputs.get(i);
            }
            Input last = inputs.isEmpty() ? null : inputs.get(inputs.size() - 1);
            return last != null && last.variadic() ? last : null;
        }
    }

    /**
     * One declared input.
     *
     * @param types the element types of plain tensors it accepts, by ONNX name ("float", "int64"):
     *              empty when it takes only sequences, optionals or maps; null when unconstrained
     */
    public record Input(boolean optional, boolean variadic, Set<String> types) {
        /** True when a tensor of element type {@code t} may be fed here. */
        public boolean accepts(DType t) {
            return types == null || types.contains(onnxName(t));
        }
    }

    /** The element type's name in ONNX's type constraints: "float", "double", "int64", "bool", ... */
    public static String onnxName(DType t) {
        return switch (t) {
            case FLOAT -> "float";
            case DOUBLE -> "double";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** One op's versions in ascending order; {@code removedAt} is 0 for ops still current. */
    public record History(String op, List<Form> forms, int removedAt) {
        /** The opset that introduced the op. */
        public int introduced() {
            return forms.get(0).since();
        }

        /** True when ai.onnx opset {@code opset} has the op. */
        public boolean existsAt(int opset) {
            return opset >= introduced() && (removedAt == 0 || opset < removedAt);
        }

        /** The form in force at {@code opset}, or null when the op does not exist there. */
        public Form formAt(int opset) {
            Form best = null;
            for (Form f : forms) {
                if (f.since() <= opset) {
                    best = f;
                }
            }
            return existsAt(opset) ? best : null;
        }

        /** The newest form. */
        public Form latest() {
            return forms.get(forms.size() - 1);
        }
    }

    /** The history of ai.onnx op {@code opType}, or null when ONNX has no such op. */
    public static History of(String opType) {
        return TABLE.get(opType);
    }

    /** Every ai.onnx op by name. */
    public static Map<String, History> all() {
        return TABLE;
    }

    /** Parses "in=r:float,double;ov:*" into input declarations. */
    private static List<Input> inputs(String token) {
        if (!token.startsWith("in=")) {
            throw new IllegalStateException("op-forms.txt: expected in=..., got " + token);
        }
        List<Input> out = new ArrayList<>();
        String spec = token.substring(3);
        if (spec.isEmpty()) {
            return out;
        }
        for (String in : spec.split(";")) {
            int colon = in.indexOf(':');
            String flags = in.substring(0, colon);
            String types = in.substring(colon + 1);
            out.add(new Input(flags.startsWith("o"), flags.contains("v"), types.equals("*") ? null : types.equals("-") ? Set.of() : Set.of(types.split(","))));
        }
        return List.copyOf(out);
    }

    private static Map<String, History> load() {
        try (InputStream in = OpForms.class.getResourceAsStream("op-forms.txt")) {
            if (in == null) {
                throw new IllegalStateException("op-forms.txt is missing from the converters jar");
            }
            Map<String, List<Form>> forms = new TreeMap<>();
            Map<String, Integer> deprecated = new TreeMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String[] p = l.split(" ");
                if (p.length == 3 && p[2].equals("deprecated")) {
                    deprecated.put(p[0], Integer.valueOf(p[1]));
                    continue;
                }
                Map<String, String> attrs = new LinkedHashMap<>();
                for (int i = 5; i < p.length; i++) {
                    int eq = p[i].indexOf('=');
                    attrs.put(eq < 0 ? p[i] : p[i].substring(0, eq), eq < 0 ? null : p[i].substring(eq + 1));
                }
                forms.computeIfAbsent(p[0], k -> new ArrayList<>()).add(new Form(Integer.parseInt(p[1]), Integer.parseInt(p[2]),
                        Integer.parseInt(p[3]), Collections.unmodifiableMap(attrs), inputs(p[4])));
            }
            Map<String, History> m = new TreeMap<>();
            forms.forEach((op, fs) -> {
                fs.sort((a, b) -> Integer.compare(a.since(), b.since()));
                Integer d = deprecated.get(op);
                // a deprecated version that is not the newest was only replaced, not removed
                int removed = d != null && d == fs.get(fs.size() - 1).since() ? d : 0;
                m.put(op, new History(op, List.copyOf(fs), removed));
            });
            return Collections.unmodifiableMap(m);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read op-forms.txt", e);
        }
    }
}
