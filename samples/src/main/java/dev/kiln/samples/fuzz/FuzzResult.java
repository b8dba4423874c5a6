package dev.kiln.samples.fuzz;

import java.util.List;

/**
 * One fuzz case: its index under the seed, the source test case, the mutations, the inputs used
 * (synthesized or the case's; a non-zero input seed made one integer element extreme), and how it ended.
 */
public record FuzzResult(int index, String source, List<String> mutations, boolean synthesized, long inputSeed, FuzzOutcome outcome, String detail,
        long millis) {
    /** The exception class for typed and untyped outcomes ({@code ModelLoadException}), else the outcome's name. */
    public String kind() {
        if (outcome == FuzzOutcome.TYPED || outcome == FuzzOutcome.UNTYPED) {
            int colon = detail.indexOf(':');
            return colon < 0 ? detail : detail.substring(0, colon);
        }
        return outcome.name();
    }
}
