package dev.kiln.backend.cpu.kernels.tensor;

/**
 * The resampling of one axis: for each output position, the input positions it reads (taps, clamped to
 * the axis as edge padding) with their weights, and whether it lies outside the crop (tf_crop_and_resize),
 * where the extrapolation value is used instead. Nearest mode has one tap of weight 1.
 *
 * @param taps    taps per output position
 * @param index   input index of tap t of output j at {@code j * taps + t}
 * @param weight  weight of that tap
 * @param outside output positions that take the extrapolation value
 */
record ResizeAxis(int taps, int[] index, double[] weight, boolean[] outside) {

    /** True when this axis maps every output position to the same input position with weight 1. */
    boolean isIdentity(int inputSize) {
        if (index.length / taps != inputSize) {
            return false;
        }
        for (int j = 0; j < inputSize; j++) {
            for (int t = 0; t < taps; t++) {
                double w = weight[j * taps + t];
                if (outside[j] || (w != 0 && (w != 1 || index[j * taps + t] != j))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Resampling settings shared by every axis. */
    record Settings(String mode, String coordinates, String nearestMode, double cubicA, boolean excludeOutside, boolean antialias) {
    }

    /**
     * Builds the taps of one axis.
     *
     * @param n        input size
     * @param m        output size
     * @param scale    output/input scale (fractional output width is {@code scale * n})
     * @param roiStart crop start (tf_crop_and_resize), normalized
     * @param roiEnd   crop end, normalized
     */
    static ResizeAxis build(Settings s, int n, int m, double scale, double roiStart, double roiEnd) {
        boolean nearest = s.mode().equals("nearest");
        double filterScale = s.antialias() && !nearest ? Math.min(1, scale) : 1;
        int taps;
        int first;
        if (nearest) {
            taps = 1;
            first = 0;
        } else if (s.mode().equals("linear")) {
            first = (int) Math.floor(-1 / filterScale) + 1;
            taps = 2 - 2 * first;
        } else {
            first = (int) Math.floor(-2 / filterScale) + 1;
            taps = 2 - 2 * first;
        }
        int[] index = new int[m * taps];
        double[] weight = new double[m * taps];
        boolean[] outside = new boolean[m];
        double width = scale * n;
        for (int j = 0; j < m; j++) {
            double x = original(s.coordinates(), j, n, m, width, scale, roiStart, roiEnd);
            if (s.coordinates().equals("tf_crop_and_resize") && (x < 0 || x > n - 1)) {
                outside[j] = true;
            }
            double floor = Math.floor(x);
            int base = (int) (x == floor ? floor - 1 : floor);
            double ratio = x - base;
            if (nearest) {
                index[j] = clamp(base + (takeUpper(s.nearestMode(), ratio) ? 1 : 0), n);
                weight[j] = 1;
                continue;
            }
            double sum = 0;
            for (int t = 0; t < taps; t++) {
                int i = base + first + t;
                double w = s.mode().equals("linear") ? linear((first + t - ratio) * filterScale) : cubic((first + t - ratio) * filterScale, s.cubicA());
                if (s.excludeOutside() && (i < 0 || i >= n)) {
                    w = 0;
                }
                index[j * taps + t] = clamp(i, n);
                weight[j * taps + t] = w;
                sum += w;
            }
            if (sum != 0 && (s.antialias() || s.excludeOutside())) {
                for (int t = 0; t < taps; t++) {
                    weight[j * taps + t] /= sum;
                }
            }
        }
        return new ResizeAxis(taps, index, weight, outside);
    }

    /** Output coordinate {@code x} mapped to the input, per coordinate_transformation_mode. */
    private static double original(String mode, int x, int n, int m, double width, double scale, double roiStart, double roiEnd) {
        return switch (mode) {
            case "half_pixel" -> (x + 0.5) / scale - 0.5;
            case "half_pixel_symmetric" -> {
                double adjustment = m / width;
                double center = n / 2.0;
                yield center * (1 - adjustment) + (x + 0.5) / scale - 0.5;
            }
            case "pytorch_half_pixel" -> m > 1 ? (x + 0.5) / scale - 0.5 : 0;
            case "align_corners" -> width == 1 ? 0 : x * (n - 1) / (width - 1);
            case "asymmetric" -> x / scale;
            case "tf_crop_and_resize" -> width == 1 ? 0.5 * (roiStart + roiEnd) * (n - 1)
                    : roiStart * (n - 1) + x * (roiEnd - roiStart) * (n - 1) / (width - 1);
            default -> throw new IllegalStateException("unknown coordinate_transformation_mode " + mode);
        };
    }

    /** Whether nearest rounding picks {@code base + 1} given the fraction {@code ratio} in (0, 1]. */
    private static boolean takeUpper(String mode, double ratio) {
        if (ratio == 1) {
            return true;
        }
        return switch (mode) {
            case "round_prefer_floor" -> ratio > 0.5;
            case "round_prefer_ceil" -> ratio >= 0.5;
            case "floor" -> false;
            default -> true;
        };
    }

    /** The triangle (linear) filter. */
    private static double linear(double d) {
        return Math.max(0, 1 - Math.abs(d));
    }

    /** Keys' cubic convolution kernel with coefficient a. */
    private static double cubic(double d, double a) {
        double x = Math.abs(d);
        if (x <= 1) {
            return ((a + 2) * x - (a + 3)) * x * x + 1;
        }
        if (x < 2) {
            return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        }
        return 0;
    }

    private static int clamp(int i, int n) {
        return i < 0 ? 0 : i >= n ? n - 1 : i;
    }
}
