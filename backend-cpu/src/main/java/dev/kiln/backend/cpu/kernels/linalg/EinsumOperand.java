package dev.kiln.backend.cpu.kernels.linalg;

import java.util.ArrayList;
import java.util.List;

/**
 * A dense intermediate of Einsum: row-major values (float64 or int64, exactly one of the two arrays is set)
 * whose dimensions carry label ids. Immutable.
 */
final class EinsumOperand {
    final int[] labels;
    final int[] dims;
    final long[] longs;
    final double[] doubles;

    EinsumOperand(int[] labels, int[] dims, long[] longs, double[] doubles) {
        this.labels = labels;
        this.dims = dims;
        this.longs = longs;
        this.doubles = doubles;
    }

    /**
     * This operand laid out with dimensions {@code out} (each label must occur here), summing over every
     * other label. A repeated label reads its diagonal; a size-1 dimension broadcasts to the label's size.
     */
    EinsumOperand reduceTo(int[] out, int[] sizes) {
        int[] strides = rowMajorStrides(dims);
        int[] outDims = new int[out.length];
        int[] outStrides = new int[out.length];
        for (int i = 0; i < out.length; i++) {
            outDims[i] = sizes[out[i]];
            outStrides[i] = labelStride(out[i], strides, sizes);
        }
        List<Integer> summed = new ArrayList<>();
        for (int l : labels) {
            if (!EinsumKernel.contains(out, l) && !summed.contains(l)) {
                summed.add(l);
            }
        }
        int[] sumDims = new int[summed.size()];
        int[] sumStrides = new int[summed.size()];
        for (int i = 0; i < sumDims.length; i++) {
            int l = summed.get(i);
            sumDims[i] = ownSize(l);
            sumStrides[i] = labelStride(l, strides, sizes);
        }
        int[] sumOffsets = offsets(sumDims, sumStrides);
        int outCount = product(outDims);
        long[] ls = longs == null ? null : new long[outCount];
        double[] ds = doubles == null ? null : new double[outCount];
        int[] idx = new int[outDims.length];
        int base = 0;
        for (int o = 0; o < outCount; o++) {
            if (ls != null) {
                long acc = 0;
                for (int s : sumOffsets) {
                    acc += longs[base + s];
                }
                ls[o] = acc;
            } else {
                double acc = 0;
                for (int s : sumOffsets) {
                    acc += doubles[base + s];
                }
                ds[o] = acc;
            }
            for (int d = outDims.length - 1; d >= 0; d--) {
                base += outStrides[d];
                if (++idx[d] < outDims[d]) {
                    break;
                }
                base -= outStrides[d] * outDims[d];
                idx[d] = 0;
            }
        }
        return new EinsumOperand(out, outDims, ls, ds);
    }

    /**
     * The product of this operand and {@code other} summed over the labels they share that {@code keep}
     * does not mark; both operands hold each label at most once.
     */
    EinsumOperand contract(EinsumOperand other, boolean[] keep, int[] sizes) {
        List<Integer> batch = new ArrayList<>();
        List<Integer> m = new ArrayList<>();
        List<Integer> n = new ArrayList<>();
        List<Integer> k = new ArrayList<>();
        for (int l : labels) {
            boolean shared = EinsumKernel.contains(other.labels, l);
            if (shared) {
                (keep[l] ? batch : k).add(l);
            } else if (keep[l]) {
                m.add(l);
            }
        }
        for (int l : other.labels) {
            if (!EinsumKernel.contains(labels, l) && keep[l]) {
                n.add(l);
            }
        }
        EinsumOperand a = reduceTo(concat(batch, m, k), sizes);
        EinsumOperand b = other.reduceTo(concat(batch, k, n), sizes);
        int bs = sizeOf(batch, sizes);
        int ms = sizeOf(m, sizes);
        int ns = sizeOf(n, sizes);
        int ks = sizeOf(k, sizes);
        int[] outLabels = concat(batch, m, n);
        int[] outDims = new int[outLabels.length];
        for (int i = 0; i < outDims.length; i++) {
            outDims[i] = sizes[outLabels[i]];
        }
        if (doubles != null) {
            double[] y = new double[bs * ms * ns];
            for (int i = 0; i < bs; i++) {
                Blas.dgemm(null, false, false, ms, ns, ks, 1, a.doubles, i * ms * ks, Math.max(1, ks), b.doubles, i * ks * ns,
                        Math.max(1, ns), y, i * ms * ns, Math.max(1, ns));
            }
            return new EinsumOperand(outLabels, outDims, null, y);
        }
        long[] y = new long[bs * ms * ns];
        for (int i = 0; i < bs; i++) {
            for (int r = 0; r < ms; r++) {
                for (int p = 0; p < ks; p++) {
                    long x = a.longs[(i * ms + r) * ks + p];
                    int bRow = (i * ks + p) * ns;
                    int yRow = (i * ms + r) * ns;
                    for (int c = 0; c < ns; c++) {
                        y[yRow + c] += x * b.longs[bRow + c];
                    }
                }
            }
        }
        return new EinsumOperand(outLabels, outDims, y, null);
    }

    private int ownSize(int label) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == label) {
                return dims[i];
            }
        }
        throw new IllegalStateException("label " + label + " is not in this operand");
    }

    /** Sum of the strides of every dimension carrying the label (its diagonal); 0 where a size-1 dimension broadcasts. */
    private int labelStride(int label, int[] strides, int[] sizes) {
        int s = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == label && !(dims[i] == 1 && sizes[label] != 1)) {
                s += strides[i];
            }
        }
        return s;
    }

    private static int[] offsets(int[] dims, int[] strides) {
        int[] out = new int[product(dims)];
        int[] idx = new int[dims.length];
        int base = 0;
        for (int o = 0; o < out.length; o++) {
            out[o] = base;
            for (int d = dims.length - 1; d >= 0; d--) {
                base += strides[d];
                if (++idx[d] < dims[d]) {
                    break;
                }
                base -= strides[d] * dims[d];
                idx[d] = 0;
            }
        }
        return out;
    }

    private static int[] rowMajorStrides(int[] dims) {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    private static int product(int[] dims) {
        int p = 1;
        for (int d : dims) {
            p = Math.multiplyExact(p, d);
        }
        return p;
    }

    private static int sizeOf(List<Integer> ls, int[] sizes) {
        int p = 1;
        for (int l : ls) {
            p *= sizes[l];
        }
        return p;
    }

    @SafeVarargs
    private static int[] concat(List<Integer>... parts) {
        List<Integer> all = new ArrayList<>();
        for (List<Integer> p : parts) {
            all.addAll(p);
        }
        return all.stream().mapToInt(Integer::intValue).toArray();
    }
}
