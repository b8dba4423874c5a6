package dev.kiln.runtime.passes;

import java.util.Set;

/**
 * The ops whose outputs differ from run to run (they draw random numbers), which no pass may compute ahead
 * of the run or merge. Stateless.
 */
final class RandomOps {
    private static final Set<String> OPS = Set.of("RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike",
            "Multinomial", "Bernoulli", "Dropout");

    private RandomOps() {
    }

    static boolean contains(String opType) {
        return OPS.contains(opType);
    }
}
