package dev.kiln.converters.onnx.adapters;

import dev.kiln.api.Internal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each version of each ai.onnx operator looks like: since when it exists, its input and output
 * counts and its attributes with their defaults, and whether the op was removed. Read once from
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
     */
    public record Form(int since, int maxInputs, int maxOutputs, Map<String, String> attributes) {
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
                for (int i = 4; i < p.length; i++) {
                    int eq = p[i].indexOf('=');
                    attrs.put(eq < 0 ? p[i] : p[i].substring(0, eq), eq < 0 ? null : p[i].substring(eq + 1));
                }
                forms.computeIfAbsent(p[0], k -> new ArrayList<>()).add(new Form(Integer.parseInt(p[1]), Integer.parseInt(p[2]),
                        Integer.parseInt(p[3]), Collections.unmodifiableMap(attrs)));
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
