package dev.kiln.runtime.train.layers;

/**
 * A small seeded random generator (SplitMix64) whose whole state is one {@code long}, so a checkpoint can
 * store it and a resumed run draws exactly the numbers an uninterrupted run would. Not thread-safe.
 */
public final class Rng {
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** The state to save; {@code new Rng(state())} continues the same sequence. */
    public long state() {
        return state;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        return (int) Math.floorMod(nextLong(), (long) bound);
    }

    /** Standard normal, by Box-Muller (two uniforms per draw, no cached second value to keep in the state). */
    public double nextGaussian() {
        double u = 1.0 - nextDouble();
        double v = nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** Shuffles in place (Fisher-Yates). */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
