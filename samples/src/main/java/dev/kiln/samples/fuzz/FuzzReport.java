package dev.kiln.samples.fuzz;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Tallies of a fuzz run: cases by outcome and by exception kind, and the forbidden cases. Guarded by its user. */
public final class FuzzReport {
    private final Map<FuzzOutcome, Integer> byOutcome = new EnumMap<>(FuzzOutcome.class);
    private final Map<String, Integer> byKind = new TreeMap<>();
    private final List<FuzzResult> forbidden = new ArrayList<>();
    private int cases;
    private long millis;

    void add(FuzzResult r) {
        cases++;
        byOutcome.merge(r.outcome(), 1, Integer::sum);
        byKind.merge(r.kind(), 1, Integer::sum);
        if (!r.outcome().allowed()) {
            forbidden.add(r);
        }
    }

    void finish(long ms) {
        millis = ms;
    }

    public int cases() {
        return cases;
    }

    public long millis() {
        return millis;
    }

    public Map<FuzzOutcome, Integer> byOutcome() {
        return byOutcome;
    }

    public Map<String, Integer> byKind() {
        return byKind;
    }

    /** Cases that ended in a crash, hang, out-of-memory, stack overflow or untyped exception. */
    public List<FuzzResult> forbidden() {
        return forbidden;
    }

    /** A few lines: totals, outcomes, exception kinds. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append(cases).append(" cases in ").append(String.format("%.1f", millis / 1000.0)).append(" s; ")
                .append(forbidden.size()).append(" forbidden outcomes\n");
        byOutcome.forEach((o, n) -> s.append("  ").append(o).append(": ").append(n).append('\n'));
        s.append("by kind:\n");
        byKind.forEach((k, n) -> s.append("  ").append(k).append(": ").append(n).append('\n'));
        return s.toString();
    }
}
