package dev.kiln.runtime.autodiff.rules;

import dev.kiln.api.KilnException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.tensor.Shape;
import dev.kiln.runtime.autodiff.GradientContext;
import dev.kiln.runtime.autodiff.GradientRule;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Einsum: the gradient of operand i is the Einsum of dY with the other operands onto operand i's
 * subscripts. Letters that only operand i has (summed away inside it) are contracted without it and
 * restored by Expand; an ellipsis that broadcast is summed back by the broadcast helper. Operands with a
 * repeated letter (diagonals) are refused.
 */
final class EinsumRule implements GradientRule {
    private static final String ELLIPSIS = "...";

    @Override
    public void backward(GradientContext g) {
        String equation = g.node().getString("equation", "").replace(" ", "");
        int arrow = equation.indexOf("->");
        List<String> specs = List.of((arrow < 0 ? equation : equation.substring(0, arrow)).split(",", -1));
        String out = arrow < 0 ? implicitOutput(specs) : equation.substring(arrow + 2);
        for (int i = 0; i < specs.size(); i++) {
            if (g.needsGradient(i)) {
                g.setGradient(i, operandGradient(g, specs, out, i));
            }
        }
    }

    private static String operandGradient(GradientContext g, List<String> specs, String out, int i) {
        String mine = specs.get(i);
        List<Character> letters = letters(mine);
        if (letters.size() != new TreeSet<>(letters).size()) {
            throw new KilnException("autodiff: the gradient of " + g.node().describe() + " does not support the repeated subscripts of '"
                    + mine + "'");
        }
        if (mine.contains(ELLIPSIS) && !out.contains(ELLIPSIS)) {
            throw new KilnException("autodiff: the gradient of " + g.node().describe() + " needs the ellipsis in the output");
        }
        StringBuilder others = new StringBuilder(out);
        List<String> inputs = new ArrayList<>();
        inputs.add(g.gradient());
        for (int j = 0; j < specs.size(); j++) {
            if (j != i) {
                others.append(',').append(specs.get(j));
                inputs.add(g.input(j));
            }
        }
        String available = others.toString();
        StringBuilder target = new StringBuilder();
        List<Long> restored = new ArrayList<>();
        for (int k = 0; k < mine.length(); k++) {
            if (mine.startsWith(ELLIPSIS, k)) {
                target.append(ELLIPSIS);
                k += 2;
                continue;
            }
            char c = mine.charAt(k);
            if (available.indexOf(c) >= 0) {
                target.append(c);
            } else {
                if (mine.contains(ELLIPSIS)) {
                    throw new KilnException("autodiff: the gradient of " + g.node().describe()
                            + " does not support a letter summed inside an operand with an ellipsis");
                }
                restored.add((long) k);
            }
        }
        String partial = g.emit(Node.builder("Einsum").inputs(inputs).attr("equation", available + "->" + target));
        String x = g.input(i);
        if (!restored.isEmpty()) {
            partial = g.op("Expand", g.op("Unsqueeze", partial, g.ints(restored.stream().mapToLong(Long::longValue).toArray())), g.shapeOf(x));
        }
        if (mine.contains(ELLIPSIS)) {
            return g.unbroadcast(partial, (Shape) null, x);
        }
        return partial;
    }

    private static List<Character> letters(String spec) {
        List<Character> l = new ArrayList<>();
        for (char c : spec.replace(ELLIPSIS, "").toCharArray()) {
            l.add(c);
        }
        return l;
    }

    /** Implicit mode: the ellipsis, then the letters used exactly once, in alphabetical order. */
    private static String implicitOutput(List<String> specs) {
        StringBuilder all = new StringBuilder();
        boolean ellipsis = false;
        for (String s : specs) {
            ellipsis |= s.contains(ELLIPSIS);
            all.append(s.replace(ELLIPSIS, ""));
        }
        StringBuilder out = new StringBuilder(ellipsis ? ELLIPSIS : "");
        String a = all.toString();
        a.chars().distinct().sorted().filter(c -> a.indexOf(c) == a.lastIndexOf(c)).forEach(c -> out.append((char) c));
        return out.toString();
    }
}
