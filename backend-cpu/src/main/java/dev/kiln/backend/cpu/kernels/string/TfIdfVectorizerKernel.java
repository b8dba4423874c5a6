package dev.kiln.backend.cpu.kernels.string;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.ir.Node;
import dev.kiln.api.spi.Kernel;
import dev.kiln.api.spi.KernelContext;
import dev.kiln.api.spi.KernelRequest;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.backend.cpu.kernels.tensor.Args;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * TfIdfVectorizer: counts, per row, the pool's n-grams (min_gram_length..max_gram_length items taken every
 * skip+1 positions, for every skip up to max_skip_count; a 1-gram is counted once per position) and writes
 * count (TF), min(count, 1) * weight (IDF) or count * weight (TFIDF) at the n-gram's ngram_indexes entry.
 * The weight is the one at that output coordinate, as ONNX Runtime and the ONNX reference apply it (the
 * spec's wording, "the i-th n-gram in pool", agrees whenever ngram_indexes is the identity).
 * The pool is read once into a map from n-gram to its ordinal. Immutable and thread-safe.
 */
public final class TfIdfVectorizerKernel implements Kernel {
    private final String mode;
    private final int minGram;
    private final int maxGram;
    private final int maxSkip;
    private final boolean stringPool;
    private final Map<List<Object>, Integer> ordinals = new HashMap<>();
    private final int[] outputIndex;
    private final float[] weights;
    private final int width;

    public TfIdfVectorizerKernel(KernelRequest request) {
        Node node = request.node();
        this.mode = Args.choice(request, "mode", "", "TF", "IDF", "TFIDF");
        this.minGram = (int) node.getInt("min_gram_length", 0);
        this.maxGram = (int) node.getInt("max_gram_length", 0);
        this.maxSkip = (int) node.getInt("max_skip_count", 0);
        if (minGram < 1 || maxGram < minGram || maxSkip < 0) {
            throw Args.unsupported(request, "expected 1 <= min_gram_length <= max_gram_length and max_skip_count >= 0, got "
                    + minGram + ", " + maxGram + ", " + maxSkip);
        }
        this.stringPool = node.hasAttribute("pool_strings");
        List<Object> pool = new ArrayList<>();
        if (stringPool) {
            pool.addAll(node.attribute("pool_strings").asStrings());
        } else if (node.hasAttribute("pool_int64s")) {
            for (long v : node.attribute("pool_int64s").asLongs()) {
                pool.add(v);
            }
        } else {
            throw Args.unsupported(request, "one of attributes 'pool_strings' and 'pool_int64s' is required");
        }
        long[] starts = node.getInts("ngram_counts", new long[0]);
        long[] indexes = node.getInts("ngram_indexes", new long[0]);
        this.outputIndex = new int[indexes.length];
        int max = -1;
        for (int i = 0; i < indexes.length; i++) {
            outputIndex[i] = Math.toIntExact(indexes[i]);
            max = Math.max(max, outputIndex[i]);
        }
        this.width = max + 1;
        int ordinal = 0;
        for (int g = 0; g < starts.length; g++) {
            int n = g + 1;
            int end = g + 1 < starts.length ? (int) starts[g + 1] : pool.size();
            for (int at = (int) starts[g]; at + n <= end; at += n) {
                if (ordinal >= indexes.length) {
                    throw Args.unsupported(request, "the pool holds more n-grams than 'ngram_indexes' has entries (" + indexes.length + ")");
                }
                ordinals.put(List.copyOf(pool.subList(at, at + n)), ordinal++);
            }
        }
        float[] w = node.getFloats("weights", null);
        if (w == null) {
            w = new float[indexes.length];
            Arrays.fill(w, 1f);
        } else if (w.length != indexes.length) {
            throw Args.unsupported(request, "attribute 'weights' has " + w.length + " values; expected one per n-gram (" + indexes.length + ")");
        }
        this.weights = w;
    }

    @Override
    public void execute(KernelContext ctx) {
        Tensor x = ctx.tensor(0);
        if (stringPool != (x.dtype() == DType.STRING) || !(stringPool || x.dtype() == DType.INT64 || x.dtype() == DType.INT32)) {
            throw new InvalidInputException("input 'X': expected " + (stringPool ? "a string" : "an int32 or int64") + " tensor for pool_"
                    + (stringPool ? "strings" : "int64s") + ", got " + x.describe());
        }
        if (x.rank() > 2) {
            throw new InvalidInputException("input 'X': expected a 1-D or 2-D tensor, got " + x.describe());
        }
        int rows = x.rank() == 2 ? (int) x.dim(0) : 1;
        int cols = x.rank() == 0 ? 1 : (int) x.dim(x.rank() - 1);
        Object[] items = new Object[rows * cols];
        for (int i = 0; i < items.length; i++) {
            items[i] = stringPool ? x.getString(i) : (Object) x.getLong(i);
        }
        float[] y = new float[rows * width];
        int[] counts = new int[outputIndex.length];
        for (int r = 0; r < rows; r++) {
            Arrays.fill(counts, 0);
            countRow(items, r * cols, cols, counts);
            for (int g = 0; g < counts.length; g++) {
                int at = outputIndex[g];
                float v = switch (mode) {
                    case "TF" -> counts[g];
                    case "IDF" -> Math.min(counts[g], 1) * weight(at);
                    default -> counts[g] * weight(at);
                };
                if (counts[g] > 0) {
                    y[r * width + at] = v;
                }
            }
        }
        ctx.setOutput(0, x.rank() == 2 ? Tensor.of(y, rows, width) : Tensor.of(y, width));
    }

    private float weight(int outputCoordinate) {
        if (outputCoordinate >= weights.length) {
            throw new InvalidInputException("attribute 'weights' has " + weights.length + " values; output coordinate "
                    + outputCoordinate + " has none");
        }
        return weights[outputCoordinate];
    }

    private void countRow(Object[] items, int from, int cols, int[] counts) {
        for (int start = 0; start < cols; start++) {
            for (int n = minGram; n <= maxGram; n++) {
                // a 1-gram is the same item whatever the skip, so it is counted once
                int skips = n == 1 ? 0 : maxSkip;
                for (int skip = 0; skip <= skips; skip++) {
                    int step = skip + 1;
                    if (start + (n - 1) * step >= cols) {
                        break;
                    }
                    Object[] gram = new Object[n];
                    for (int k = 0; k < n; k++) {
                        gram[k] = items[from + start + k * step];
                    }
                    Integer ordinal = ordinals.get(List.of(gram));
                    if (ordinal != null) {
                        counts[ordinal]++;
                    }
                }
            }
        }
    }
}
