package dev.kiln.runtime.train;

/**
 * The learning rate at each step (0-based), as a factor of the optimizer's base rate. Implementations are
 * pure functions of the step, so a resumed run gets the same rates. Thread-safe.
 */
@FunctionalInterface
public interface LearningRateSchedule {
    /** The rate for {@code step} given the base rate. */
    double rate(long step, double base);

    static LearningRateSchedule constant() {
        return (step, base) -> base;
    }

    /** {@code base * gamma^(step / every)}: drops by {@code gamma} every {@code every} steps. */
    static LearningRateSchedule step(long every, double gamma) {
        if (every <= 0) {
            throw new IllegalArgumentException("step schedule: 'every' must be positive, got " + every);
        }
        return (step, base) -> base * Math.pow(gamma, step / every);
    }

    /** Cosine from base down to {@code floor * base} over {@code total} steps, then stays there. */
    static LearningRateSchedule cosine(long total, double floor) {
        if (total <= 0) {
            throw new IllegalArgumentException("cosine schedule: total must be positive, got " + total);
        }
        return (step, base) -> {
            double t = Math.min(1.0, step / (double) total);
            return base * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * t)));
        };
    }

    /** Linear warm-up from base/warmup to base over {@code warmup} steps, then linear decay to 0 at {@code total}. */
    static LearningRateSchedule warmupLinearDecay(long warmup, long total) {
        if (warmup < 0 || total <= warmup) {
            throw new IllegalArgumentException("warm-up schedule: need 0 <= warmup < total, got " + warmup + ", " + total);
        }
        return (step, base) -> step < warmup
                ? base * (step + 1) / warmup
                : base * Math.max(0.0, (total - step) / (double) (total - warmup));
    }
}
