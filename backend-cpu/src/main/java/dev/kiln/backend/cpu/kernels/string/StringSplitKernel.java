package dev.kiln.backend.cpu.kernels.string;

import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * StringSplit: splits every element like Python's {@code str.split(delimiter, maxsplit)}. With a delimiter,
 * consecutive delimiters delimit empty strings; without one (or with ""), runs of whitespace separate and
 * leading/trailing whitespace is dropped, also from the unsplit remainder after maxsplit splits (as the spec's
 * text says and ONNX Runtime does; Python would keep it). An empty element gives one empty substring with a
 * delimiter (Python and the ONNX reference; ONNX Runtime gives none) and none without. Y gets one more axis, padded with "" to the most substrings;
 * Z holds each element's count. Immutable and thread-safe.
 */
public final class StringSplitKernel implements Kernel {
    private final String delimiter;
    private final long maxSplit;

    public StringSplitKernel(KernelRequest request) {
        this.delimiter = request.node().getString("delimiter", "");
        this.maxSplit = request.node().getInt("maxsplit", Long.MAX_VALUE);
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        String[] in = Strings.of(x, "input 'X'");
        List<List<String>> parts = new ArrayList<>(in.length);
        int widest = 0;
        for (String s : in) {
            List<String> p = delimiter.isEmpty() ? onWhitespace(s) : onDelimiter(s);
            parts.add(p);
            widest = Math.max(widest, p.size());
        }
        String[] y = new String[in.length * widest];
        Arrays.fill(y, "");
        long[] z = new long[in.length];
        for (int i = 0; i < in.length; i++) {
            List<String> p = parts.get(i);
            for (int j = 0; j < p.size(); j++) {
                y[i * widest + j] = p.get(j);
            }
            z[i] = p.size();
        }
        long[] dims = Arrays.copyOf(x.dims(), x.rank() + 1);
        dims[x.rank()] = widest;
        ctx.setOutput(0, Tensor.of(y, dims));
        if (ctx.outputCount() > 1 && ctx.isOutputRequested(1)) {
            ctx.setOutput(1, Tensor.of(z, x.dims()));
        }
    }

    private List<String> onDelimiter(String s) {
        List<String> out = new ArrayList<>();
        int from = 0;
        while (out.size() < maxSplit) {
            int at = s.indexOf(delimiter, from);
            if (at < 0) {
                break;
            }
            out.add(s.substring(from, at));
            from = at + delimiter.length();
        }
        out.add(s.substring(from));
        return out;
    }

    private List<String> onWhitespace(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (true) {
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i == n) {
                return out;
            }
            if (out.size() == maxSplit) {
                int end = n;
                while (Character.isWhitespace(s.charAt(end - 1))) {
                    end--;
                }
                out.add(s.substring(i, end));
                return out;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            out.add(s.substring(start, i));
        }
    }
}
