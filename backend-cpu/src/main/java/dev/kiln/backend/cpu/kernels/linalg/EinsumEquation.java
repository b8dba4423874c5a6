package dev.kiln.backend.cpu.kernels.linalg;

import dev.kiln.api.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed Einsum equation bound to operand ranks. Letters become label ids 0..51 (A-Z then a-z, which is
 * also the implicit output order); the dimensions an ellipsis stands for get ids from 52 on, right-aligned
 * across operands so that shorter ellipses broadcast as in numpy. Immutable.
 */
final class EinsumEquation {
    private static final int ELLIPSIS_BASE = 52;

    /** Label ids of each operand's dimensions, in order. */
    final int[][] inputs;
    /** Label ids of the output's dimensions, in order. */
    final int[] output;

    private EinsumEquation(int[][] inputs, int[] output) {
        this.inputs = inputs;
        this.output = output;
    }

    static EinsumEquation parse(String equation, int[] ranks) {
        String eq = equation.replace(" ", "");
        int arrow = eq.indexOf("->");
        String lhs = arrow < 0 ? eq : eq.substring(0, arrow);
        String rhs = arrow < 0 ? null : eq.substring(arrow + 2);
        String[] terms = lhs.split(",", -1);
        if (terms.length != ranks.length) {
            throw new InvalidInputException("Einsum: equation '" + equation + "' has " + terms.length + " operand terms but "
                    + ranks.length + " inputs were given");
        }
        int ellipsisRank = 0;
        for (int i = 0; i < terms.length; i++) {
            if (terms[i].contains("...")) {
                int letters = terms[i].length() - 3;
                ellipsisRank = Math.max(ellipsisRank, ranks[i] - letters);
            }
        }
        int[][] inputs = new int[terms.length][];
        int[] counts = new int[ELLIPSIS_BASE];
        for (int i = 0; i < terms.length; i++) {
            inputs[i] = labels(terms[i], ranks[i], ellipsisRank, equation, "input " + i);
            for (int l : inputs[i]) {
                if (l < ELLIPSIS_BASE) {
                    counts[l]++;
                }
            }
        }
        int[] output;
        if (rhs != null) {
            output = labels(rhs, -1, ellipsisRank, equation, "the output");
            for (int l : output) {
                if (l < ELLIPSIS_BASE && counts[l] == 0) {
                    throw new InvalidInputException("Einsum: output label '" + letter(l) + "' of '" + equation + "' appears in no input");
                }
            }
        } else {
            List<Integer> out = new ArrayList<>();
            for (int e = 0; e < ellipsisRank; e++) {
                out.add(ELLIPSIS_BASE + e);
            }
            for (int l = 0; l < ELLIPSIS_BASE; l++) {
                if (counts[l] == 1) {
                    out.add(l);
                }
            }
            output = out.stream().mapToInt(Integer::intValue).toArray();
        }
        return new EinsumEquation(inputs, output);
    }

    /** Number of distinct label ids in use (an upper bound on any id plus one). */
    int labelSpace() {
        int max = 0;
        for (int[] in : inputs) {
            for (int l : in) {
                max = Math.max(max, l + 1);
            }
        }
        return max;
    }

    private static int[] labels(String term, int rank, int ellipsisRank, String equation, String what) {
        int dots = term.indexOf("...");
        if (dots >= 0 && term.indexOf("...", dots + 1) >= 0) {
            throw new InvalidInputException("Einsum: " + what + " of '" + equation + "' has more than one ellipsis");
        }
        String letters = dots < 0 ? term : term.substring(0, dots) + term.substring(dots + 3);
        int ownEllipsis = dots < 0 ? 0 : rank < 0 ? ellipsisRank : rank - letters.length();
        if (rank >= 0 && (ownEllipsis < 0 || dots < 0 && letters.length() != rank)) {
            throw new InvalidInputException("Einsum: term '" + term + "' of '" + equation + "' does not fit " + what + " of rank " + rank);
        }
        int[] out = new int[letters.length() + ownEllipsis];
        int p = 0;
        for (int i = 0; i < term.length(); i++) {
            if (i == dots) {
                for (int e = 0; e < ownEllipsis; e++) {
                    out[p++] = ELLIPSIS_BASE + ellipsisRank - ownEllipsis + e;
                }
                i += 2;
                continue;
            }
            out[p++] = letterId(term.charAt(i), equation);
        }
        return out;
    }

    private static int letterId(char c, String equation) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return 26 + c - 'a';
        }
        throw new InvalidInputException("Einsum: equation '" + equation + "' contains '" + c + "'; expected letters, ',', '->' or '...'");
    }

    private static char letter(int id) {
        return (char) (id < 26 ? 'A' + id : 'a' + id - 26);
    }
}
