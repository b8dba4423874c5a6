package dev.kiln.runtime.autodiff;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The registry of gradient rules by op type, filled once from the {@link GradientRuleFamily} services on
 * the class path. Op types of the default ONNX domain are plain ("Relu"); other domains are written
 * "domain::Op". Immutable after loading; thread-safe.
 */
public final class GradientRules {
    private static final Map<String, GradientRule> RULES = load();

    private GradientRules() {
    }

    /** Receives a family's rules. */
    @FunctionalInterface
    public interface Registrar {
        void add(String domain, String opType, GradientRule rule);
    }

    /** Whether an ai.onnx op has a rule. */
    public static boolean has(String opType) {
        return has("", opType);
    }

    public static boolean has(String domain, String opType) {
        return RULES.containsKey(key(domain, opType));
    }

    /** The rule for an op, or null when there is none. */
    public static GradientRule get(String domain, String opType) {
        return RULES.get(key(domain, opType));
    }

    /** Every op type with a rule, sorted ("domain::Op" outside ai.onnx). */
    public static Set<String> opTypes() {
        return Collections.unmodifiableSet(RULES.keySet());
    }

    private static String key(String domain, String opType) {
        return domain == null || domain.isEmpty() || domain.equals("ai.onnx") ? opType : domain + "::" + opType;
    }

    private static Map<String, GradientRule> load() {
        Map<String, GradientRule> rules = new TreeMap<>();
        for (GradientRuleFamily family : ServiceLoader.load(GradientRuleFamily.class, GradientRules.class.getClassLoader())) {
            family.register((domain, opType, rule) -> {
                if (rules.putIfAbsent(key(domain, opType), rule) != null) {
                    throw new IllegalStateException("two gradient rules for " + key(domain, opType));
                }
            });
        }
        return rules;
    }
}
