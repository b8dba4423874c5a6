package dev.kiln.api.schema;

import dev.kiln.api.Experimental;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The registry of op schemas, filled once from every {@link OpSchemaProvider}. Thread-safe. */
@Experimental
public final class OpSchemas {
    private static volatile Map<String, List<OpSchema>> byOp;

    private OpSchemas() {
    }

    /** The schema in force for an op at an opset: the newest whose since-version is not above it; null if none. */
    public static OpSchema lookup(String domain, String opType, int opset) {
        List<OpSchema> versions = all().get(key(domain, opType));
        if (versions == null) {
            return null;
        }
        OpSchema best = null;
        for (OpSchema s : versions) {
            if (s.sinceVersion() <= opset || opset < 0) {
                best = s;
            }
        }
        return best;
    }

    /** Every registered schema, newest version last per op. */
    public static Collection<List<OpSchema>> schemas() {
        return all().values();
    }

    private static Map<String, List<OpSchema>> all() {
        Map<String, List<OpSchema>> m = byOp;
        if (m == null) {
            synchronized (OpSchemas.class) {
                if (byOp == null) {
                    Map<String, List<OpSchema>> built = new HashMap<>();
                    for (OpSchemaProvider p : ServiceLoader.load(OpSchemaProvider.class, OpSchemas.class.getClassLoader())) {
                        for (OpSchema s : p.schemas()) {
                            built.computeIfAbsent(key(s.domain(), s.name()), k -> new ArrayList<>()).add(s);
                        }
                    }
                    built.values().forEach(l -> l.sort(Comparator.comparingInt(OpSchema::sinceVersion)));
                    byOp = built;
                }
                m = byOp;
            }
        }
        return m;
    }

    private static String key(String domain, String op) {
        String d = domain == null || domain.equals("ai.onnx") ? "" : domain;
        return d + "::" + op;
    }
}
