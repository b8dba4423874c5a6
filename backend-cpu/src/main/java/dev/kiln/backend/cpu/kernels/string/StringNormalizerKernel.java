package dev.kiln.backend.cpu.kernels.string;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.tensor.Args;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * StringNormalizer: drops the stop words (compared case-insensitively unless is_case_sensitive=1), then
 * lower- or upper-cases what is left in the given locale (en_US by default). Accepts [C] and [1, C]; when
 * every element is dropped the result is one empty string, shaped [1] or [1, 1]. Immutable and thread-safe.
 */
public final class StringNormalizerKernel implements Kernel {
    private final String action;
    private final boolean caseSensitive;
    private final Locale locale;
    private final Set<String> stopWords = new HashSet<>();

    public StringNormalizerKernel(KernelRequest request) {
        this.action = Args.choice(request, "case_change_action", "NONE", "NONE", "LOWER", "UPPER");
        this.caseSensitive = request.node().getInt("is_case_sensitive", 0) != 0;
        String tag = request.node().getString("locale", "en_US");
        this.locale = Locale.forLanguageTag(tag.replace('_', '-'));
        if (request.node().hasAttribute("stopwords")) {
            for (String w : request.node().attribute("stopwords").asStrings()) {
                stopWords.add(caseSensitive ? w : w.toLowerCase(locale));
            }
        }
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        String[] in = Strings.of(x, "input 'X'");
        boolean rowVector = x.rank() == 2;
        if (x.rank() != 1 && !(rowVector && x.dim(0) == 1)) {
            throw new InvalidInputException("input 'X': expected a string tensor of shape [C] or [1, C], got " + x.describe());
        }
        List<String> kept = new ArrayList<>(in.length);
        for (String s : in) {
            if (!stopWords.contains(caseSensitive ? s : s.toLowerCase(locale))) {
                kept.add(switch (action) {
                    case "LOWER" -> s.toLowerCase(locale);
                    case "UPPER" -> s.toUpperCase(locale);
                    default -> s;
                });
            }
        }
        if (kept.isEmpty()) {
            kept.add("");
        }
        String[] y = kept.toArray(new String[0]);
        ctx.setOutput(0, rowVector ? Tensor.of(y, 1, y.length) : Tensor.of(y, y.length));
    }
}
