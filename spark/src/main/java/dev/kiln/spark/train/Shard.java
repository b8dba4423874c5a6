package dev.kiln.spark.train;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.train.Dataset;
import dev.kiln.runtime.train.layers.Rng;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The rows one rank trains on: input row {@code i} belongs to rank {@code i mod P}, kept in input order.
 * Every epoch each rank shuffles its shard with a generator seeded by (seed, epoch, rank) and takes
 * consecutive slices of {@code batchPerWorker}; so the global batch of a step is the ranks' slices in
 * rank order, which tests rebuild to train the same batches in one process. Immutable.
 */
public final class Shard {
    private final Dataset data;
    private final String input;
    private final String label;

    private Shard(Dataset data, String input, String label) {
        this.data = data;
        this.input = input;
        this.label = label;
    }

    /**
     * The shard from rows given in any order; {@code inputShape} is the network's per-sample input shape.
     */
    static Shard of(Iterator<Example> rows, String input, long[] inputShape, String label) {
        List<Example> list = new ArrayList<>();
        rows.forEachRemaining(list::add);
        list.sort(Comparator.comparingLong(Example::index));
        return of(list, input, inputShape, label);
    }

    static Shard of(List<Example> sorted, String input, long[] inputShape, String label) {
        int n = sorted.size();
        if (n == 0) {
            throw new IllegalArgumentException("a worker got no rows: the data set has fewer rows than workers");
        }
        int inWidth = sorted.get(0).input().length;
        int labelWidth = sorted.get(0).label().length;
        float[] x = new float[n * inWidth];
        float[] y = new float[n * labelWidth];
        for (int i = 0; i < n; i++) {
            Example e = sorted.get(i);
            if (e.input().length != inWidth || e.label().length != labelWidth) {
                throw new IllegalArgumentException("row " + e.index() + ": input of " + e.input().length + " and label of "
                        + e.label().length + " values; expected " + inWidth + " and " + labelWidth + " like the first row");
            }
            System.arraycopy(e.input(), 0, x, i * inWidth, inWidth);
            System.arraycopy(e.label(), 0, y, i * labelWidth, labelWidth);
        }
        long[] dims = new long[inputShape.length + 1];
        dims[0] = n;
        System.arraycopy(inputShape, 0, dims, 1, inputShape.length);
        long perSample = 1;
        for (long d : inputShape) {
            perSample *= d;
        }
        if (perSample != inWidth) {
            throw new IllegalArgumentException("input rows have " + inWidth + " values; the network's input '" + input + "' needs "
                    + perSample + " (" + java.util.Arrays.toString(inputShape) + ")");
        }
        return new Shard(Dataset.of(Map.of(input, Tensor.of(x, dims), label, Tensor.of(y, n, labelWidth))), input, label);
    }

    public int size() {
        return data.size();
    }

    /** The shard's sample order in {@code epoch}. */
    public static int[] order(long seed, int epoch, int rank, int size) {
        int[] a = new int[size];
        for (int i = 0; i < size; i++) {
            a[i] = i;
        }
        new Rng(seed * 0x9E3779B97F4A7C15L + epoch * 1_000_003L + rank).shuffle(a);
        return a;
    }

    /** The batch of step {@code stepInEpoch} of {@code epoch}: input and label columns. */
    Map<String, Tensor> batch(long seed, int epoch, int rank, int stepInEpoch, int batchPerWorker) {
        int[] order = order(seed, epoch, rank, size());
        int from = stepInEpoch * batchPerWorker;
        return data.rows(List.of(input, label), order, from, from + batchPerWorker);
    }
}
