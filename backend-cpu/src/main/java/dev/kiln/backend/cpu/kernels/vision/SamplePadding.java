package dev.kiln.backend.cpu.kernels.vision;

/**
 * Coordinate handling shared by the grid sampler: unnormalizing [-1, 1] to pixel space and the
 * zeros/border/reflection treatment of points and taps outside the image. Immutable.
 */
final class SamplePadding {
    private final String mode;
    private final boolean alignCorners;

    SamplePadding(String mode, boolean alignCorners) {
        this.mode = mode;
        this.alignCorners = alignCorners;
    }

    double denormalize(double v, int size) {
        return alignCorners ? (v + 1) / 2 * (size - 1) : ((v + 1) * size - 1) / 2;
    }

    /** The sampling point after border clamping or reflection (unchanged for zeros padding). */
    double adjust(double c, int size) {
        return switch (mode) {
            case "border" -> Math.min(Math.max(c, 0), size - 1);
            case "reflection" -> Math.min(Math.max(reflect(c, size), 0), size - 1);
            default -> c;
        };
    }

    /** The pixel a tap reads, or -1 when it lies outside and reads zero. */
    int index(int i, int size) {
        if (i >= 0 && i < size) {
            return i;
        }
        return switch (mode) {
            case "border" -> Math.min(Math.max(i, 0), size - 1);
            case "reflection" -> (int) Math.min(Math.max(reflect(i, size), 0), size - 1);
            default -> -1;
        };
    }

    private double reflect(double c, int size) {
        double lo = alignCorners ? 0 : -0.5;
        double hi = alignCorners ? size - 1 : size - 0.5;
        double span = hi - lo;
        if (span <= 0) {
            return 0;
        }
        if (c >= lo && c <= hi) {
            return c;
        }
        double dist = c < lo ? lo - c : c - hi;
        long flips = (long) Math.floor(dist / span);
        double rest = dist - flips * span;
        boolean even = flips % 2 == 0;
        return c < lo ? (even ? lo + rest : hi - rest) : (even ? hi - rest : lo + rest);
    }
}
