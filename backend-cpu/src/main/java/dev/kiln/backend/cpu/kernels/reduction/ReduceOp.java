package dev.kiln.backend.cpu.kernels.reduction;

/**
 * The Reduce* ops as rows: each maps every element, combines the mapped values, and finishes the combined
 * value. ReduceLogSumExp also shifts each element by the group's maximum first, for stability.
 */
public enum ReduceOp {
    SUM("ReduceSum", Combine.SUM, Map.NONE, Finish.NONE),
    MEAN("ReduceMean", Combine.SUM, Map.NONE, Finish.MEAN),
    MAX("ReduceMax", Combine.MAX, Map.NONE, Finish.NONE),
    MIN("ReduceMin", Combine.MIN, Map.NONE, Finish.NONE),
    PROD("ReduceProd", Combine.PROD, Map.NONE, Finish.NONE),
    L1("ReduceL1", Combine.SUM, Map.ABS, Finish.NONE),
    L2("ReduceL2", Combine.SUM, Map.SQUARE, Finish.SQRT),
    LOG_SUM("ReduceLogSum", Combine.SUM, Map.NONE, Finish.LOG),
    LOG_SUM_EXP("ReduceLogSumExp", Combine.SUM, Map.EXP, Finish.LOG),
    SUM_SQUARE("ReduceSumSquare", Combine.SUM, Map.SQUARE, Finish.NONE);

    /** How mapped values combine. */
    enum Combine { SUM, PROD, MAX, MIN }

    /** What happens to each element before combining. */
    enum Map { NONE, ABS, SQUARE, EXP }

    /** What happens to the combined value. */
    enum Finish { NONE, MEAN, SQRT, LOG }

    private final String opType;
    final Combine combine;
    final Map map;
    final Finish finish;

    ReduceOp(String opType, Combine combine, Map map, Finish finish) {
        this.opType = opType;
        this.combine = combine;
        this.map = map;
        this.finish = finish;
    }

    public String opType() {
        return opType;
    }

    /** True when integer inputs can be reduced exactly in 64-bit integers (no division, root or logarithm). */
    boolean exactForIntegers() {
        return finish == Finish.NONE && map != Map.EXP;
    }

    /** True when reducing a single element gives that element back unchanged (sum, mean, max, min, product). */
    boolean identityOnOneElement() {
        return map == Map.NONE && (finish == Finish.NONE || finish == Finish.MEAN);
    }

    double identity() {
        return switch (combine) {
            case SUM -> 0;
            case PROD -> 1;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        };
    }

    double map(double x) {
        return switch (map) {
            case NONE -> x;
            case ABS -> Math.abs(x);
            case SQUARE -> x * x;
            case EXP -> Math.exp(x);
        };
    }

    double combine(double acc, double v) {
        return switch (combine) {
            case SUM -> acc + v;
            case PROD -> acc * v;
            case MAX -> v > acc || Double.isNaN(v) ? v : acc;
            case MIN -> v < acc || Double.isNaN(v) ? v : acc;
        };
    }

    double finish(double acc, long count) {
        return switch (finish) {
            case NONE -> acc;
            case MEAN -> acc / count;
            case SQRT -> Math.sqrt(acc);
            case LOG -> Math.log(acc);
        };
    }

    long map(long x) {
        return switch (map) {
            case ABS -> Math.abs(x);
            case SQUARE -> x * x;
            default -> x;
        };
    }

    long combine(long acc, long v, boolean unsigned) {
        return switch (combine) {
            case SUM -> acc + v;
            case PROD -> acc * v;
            case MAX -> (unsigned ? Long.compareUnsigned(v, acc) : Long.compare(v, acc)) > 0 ? v : acc;
            case MIN -> (unsigned ? Long.compareUnsigned(v, acc) : Long.compare(v, acc)) < 0 ? v : acc;
        };
    }
}
