package dev.kiln.backend.cpu.kernels.string;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.tensor.Args;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * RegexFullMatch with {@link java.util.regex}. The spec names RE2 syntax; the RE2 constructs that
 * java.util.regex spells differently are rewritten ({@code (?P<name>} becomes {@code (?<name>}); the common
 * subset (classes, quantifiers, anchors, alternation, Perl classes, POSIX-free escapes) means the same in
 * both. Patterns RE2 would reject (backreferences, lookaround) are accepted here. Immutable and thread-safe.
 */
public final class RegexFullMatchKernel implements Kernel {
    private final Pattern pattern;

    public RegexFullMatchKernel(KernelRequest request) {
        String re2 = request.node().getString("pattern", null);
        if (re2 == null) {
            throw Args.unsupported(request, "attribute 'pattern' is required");
        }
        try {
            this.pattern = Pattern.compile(re2.replace("(?P<", "(?<"));
        } catch (PatternSyntaxException e) {
            throw Args.unsupported(request, "attribute 'pattern' '" + re2 + "' is not a valid regular expression: " + e.getDescription());
        }
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        String[] s = Strings.of(x, "input 'X'");
        boolean[] y = new boolean[s.length];
        for (int i = 0; i < s.length; i++) {
            y[i] = pattern.matcher(s[i]).matches();
        }
        ctx.setOutput(0, Tensor.of(y, x.dims()));
    }
}
