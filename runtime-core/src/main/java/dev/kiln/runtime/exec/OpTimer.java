package dev.kiln.runtime.exec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Sums kernel time by op type and backend; safe to update from many concurrent runs. */
final class OpTimer {
    private record Key(String opType, String backendId) {
    }

    private static final class Totals {
        final LongAdder calls = new LongAdder();
        final LongAdder nanos = new LongAdder();
    }

    private final Map<Key, Totals> totals = new ConcurrentHashMap<>();

    void record(String opType, String backendId, long nanos) {
        Totals t = totals.computeIfAbsent(new Key(opType, backendId), k -> new Totals());
        t.calls.increment();
        t.nanos.add(nanos);
    }

    /** The totals so far, most time first. */
    List<OpTiming> snapshot() {
        List<OpTiming> out = new ArrayList<>();
        totals.forEach((k, t) -> out.add(new OpTiming(k.opType(), k.backendId(), t.calls.sum(), t.nanos.sum())));
        out.sort(Comparator.comparingLong(OpTiming::nanos).reversed());
        return out;
    }
}
