package dev.kiln.api.schema.onnx;

import static dev.kiln.api.schema.onnx.InferenceSupport.broadcast;
import static dev.kiln.api.schema.onnx.InferenceSupport.dim;
import static dev.kiln.api.schema.onnx.InferenceSupport.dims;
import static dev.kiln.api.schema.onnx.InferenceSupport.inputName;
import static dev.kiln.api.schema.onnx.InferenceSupport.invalid;
import static dev.kiln.api.schema.onnx.InferenceSupport.result;
import static dev.kiln.api.schema.onnx.InferenceSupport.sameElementType;
import static dev.kiln.api.schema.onnx.InferenceSupport.shape;
import static dev.kiln.api.schema.onnx.InferenceSupport.shapeOf;
import static dev.kiln.api.schema.onnx.InferenceSupport.tensor;

import dev.kiln.api.ir.ValueType;
import dev.kiln.api.schema.InferenceContext;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/** Output shape of Einsum from its equation: each letter names one dimension, "..." broadcast ones. */
final class EinsumInference {
    /** Stands for "..." once the equation is parsed, so that every term is one character per entry. */
    private static final char ELLIPSIS = '*';

    private EinsumInference() {
    }

    static List<ValueType> einsum(InferenceContext ctx) {
        int n = ctx.node().inputs().size();
        DType type = sameElementType(ctx, IntStream.range(0, n).toArray());
        String equation = ctx.node().getString("equation", null);
        if (equation == null) {
            throw invalid(ctx, "attribute 'equation' is required");
        }
        String eq = equation.replace(" ", "").replace("...", String.valueOf(ELLIPSIS));
        int arrow = eq.indexOf("->");
        String[] terms = (arrow < 0 ? eq : eq.substring(0, arrow)).split(",", -1);
        if (terms.length != n) {
            throw invalid(ctx, "equation '" + equation + "' has " + terms.length + " input terms for " + n + " inputs");
        }
        Map<Character, Object> letterDims = new HashMap<>();
        Map<Character, Integer> counts = new TreeMap<>();
        List<Shape> ellipses = new ArrayList<>();
        List<String> ellipsisLabels = new ArrayList<>();
        boolean anyEllipsis = false;
        boolean allShapesKnown = true;
        for (int k = 0; k < n; k++) {
            String term = terms[k];
            checkTerm(ctx, equation, term);
            term.chars().filter(Character::isLetter).forEach(c -> counts.merge((char) c, 1, Integer::sum));
            int ell = term.indexOf(ELLIPSIS);
            anyEllipsis |= ell >= 0;
            Shape s = shapeOf(ctx, k);
            if (s == null) {
                allShapesKnown = false;
                continue;
            }
            int letters = term.length() - (ell >= 0 ? 1 : 0);
            int ellRank = s.rank() - letters;
            if (ellRank < 0 || (ell < 0 && ellRank != 0)) {
                throw invalid(ctx, "equation term '" + term.replace(String.valueOf(ELLIPSIS), "...") + "' does not fit "
                        + inputName(ctx, k) + " of shape " + s);
            }
            for (int p = 0; p < term.length(); p++) {
                char c = term.charAt(p);
                if (c != ELLIPSIS) {
                    int axis = ell >= 0 && p > ell ? p - 1 + ellRank : p;
                    letterDims.merge(c, dim(s, axis), (x, y) -> mergeLetter(ctx, c, x, y));
                }
            }
            if (ell >= 0) {
                ellipses.add(shape(dims(s, ell, ell + ellRank)));
                ellipsisLabels.add("the '...' dimensions of " + inputName(ctx, k));
            }
        }
        String out = arrow >= 0 ? eq.substring(arrow + 2) : implicitOutput(counts, anyEllipsis);
        checkTerm(ctx, equation, out);
        if (out.indexOf(ELLIPSIS) >= 0 && !allShapesKnown) {
            return result(ctx, tensor(type, null));
        }
        Shape broadcastEllipsis = ellipses.isEmpty() ? Shape.scalar() : broadcast(ctx, ellipses, ellipsisLabels);
        List<Object> d = new ArrayList<>();
        for (char c : out.toCharArray()) {
            if (c == ELLIPSIS) {
                d.addAll(dims(broadcastEllipsis, 0, broadcastEllipsis.rank()));
            } else if (!counts.containsKey(c)) {
                throw invalid(ctx, "equation '" + equation + "' has output letter '" + c + "' that no input uses");
            } else {
                d.add(letterDims.get(c));
            }
        }
        return result(ctx, tensor(type, shape(d)));
    }

    /** Without "->" the output is the broadcast dimensions, then the letters used once, in alphabetical order. */
    private static String implicitOutput(Map<Character, Integer> counts, boolean anyEllipsis) {
        StringBuilder b = new StringBuilder(anyEllipsis ? String.valueOf(ELLIPSIS) : "");
        counts.forEach((c, k) -> {
            if (k == 1) {
                b.append(c);
            }
        });
        return b.toString();
    }

    private static void checkTerm(InferenceContext ctx, String equation, String term) {
        long ellipses = term.chars().filter(c -> c == ELLIPSIS).count();
        boolean lettersOnly = term.chars().allMatch(c -> c == ELLIPSIS || (c < 128 && Character.isLetter(c)));
        if (ellipses > 1 || !lettersOnly) {
            throw invalid(ctx, "attribute 'equation' is malformed: '" + equation + "'");
        }
    }

    /** A letter's sizes must agree across inputs; a size of 1 broadcasts as runtimes commonly allow. */
    private static Object mergeLetter(InferenceContext ctx, char c, Object x, Object y) {
        if (x instanceof Long a && y instanceof Long b) {
            if (a.equals(b) || b == 1) {
                return a;
            }
            if (a == 1) {
                return b;
            }
            throw invalid(ctx, "equation letter '" + c + "' has size " + a + " in one input and " + b + " in another");
        }
        Object known = x instanceof Long ? x : y instanceof Long ? y : null;
        Object other = known == x ? y : x;
        if (known != null) {
            return (Long) known == 1 ? other : known;
        }
        return x == null ? y : y == null || x.equals(y) ? x : null;
    }
}
