package dev.kiln.samples.bench;

import java.util.Arrays;

/** Order statistics over run times in milliseconds. */
public final class Timings {
    private Timings() {
    }

    public static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** The nearest-rank 90th percentile: the smallest value at least 90% of the runs do not exceed. */
    public static double p90(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[(int) Math.ceil(0.9 * s.length) - 1];
    }
}
