package dev.kiln.backend.cpu.util;

/**
 * The 32-bit Mersenne Twister (Matsumoto and Nishimura, 1998) seeded with one integer, drawing doubles in
 * [0, 1) from two outputs with 53 random bits, the way numpy's legacy {@code RandomState} does. Seeded ops
 * use it so that their first run reproduces the ONNX reference implementation, which calls
 * {@code np.random.seed(seed)} and then draws. Not thread-safe: callers lock around a whole draw.
 */
public final class Mt19937 {
    private static final int N = 624;
    private static final int M = 397;
    private final int[] state = new int[N];
    private int next;

    /** A generator in the state {@code init_genrand(seed)} (numpy's {@code seed(int)}) leaves it in; only the low 32 bits count. */
    public Mt19937(long seed) {
        state[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            state[i] = 1812433253 * (state[i - 1] ^ (state[i - 1] >>> 30)) + i;
        }
        next = N;
    }

    /** The next 32 random bits. */
    public int nextInt() {
        if (next >= N) {
            twist();
        }
        int y = state[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        return y ^ (y >>> 18);
    }

    /** A double in [0, 1) built from 27 + 26 bits of two outputs. */
    public double nextDouble() {
        long high = (nextInt() >>> 5) & 0xffffffffL;
        long low = (nextInt() >>> 6) & 0xffffffffL;
        return (high * 67108864.0 + low) / 9007199254740992.0;
    }

    private void twist() {
        for (int k = 0; k < N; k++) {
            int y = (state[k] & 0x80000000) | (state[(k + 1) % N] & 0x7fffffff);
            state[k] = state[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
        }
        next = 0;
    }
}
