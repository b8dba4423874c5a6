package dev.kiln.backend.cpu.kernels.tensor;

/** A stable merge sort of int indices by a caller's order, without boxing. Stateless. */
public final class IndexSort {
    /** Orders two indices: negative, zero or positive like {@link java.util.Comparator}. */
    @FunctionalInterface
    public interface Order {
        int compare(int a, int b);
    }

    private IndexSort() {
    }

    /** Sorts {@code a[from, to)} stably (equal elements keep their relative order). */
    public static void sort(int[] a, int from, int to, Order order) {
        if (to - from < 2) {
            return;
        }
        sort(a, new int[(to - from + 1) / 2], from, to, order);
    }

    private static void sort(int[] a, int[] tmp, int lo, int hi, Order order) {
        if (hi - lo < 16) {
            for (int i = lo + 1; i < hi; i++) {
                int v = a[i];
                int j = i - 1;
                while (j >= lo && order.compare(a[j], v) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = v;
            }
            return;
        }
        int mid = (lo + hi) >>> 1;
        sort(a, tmp, lo, mid, order);
        sort(a, tmp, mid, hi, order);
        if (order.compare(a[mid - 1], a[mid]) <= 0) {
            return;
        }
        int leftLen = mid - lo;
        System.arraycopy(a, lo, tmp, 0, leftLen);
        int i = 0;
        int j = mid;
        int k = lo;
        while (i < leftLen && j < hi) {
            a[k++] = order.compare(a[j], tmp[i]) < 0 ? a[j++] : tmp[i++];
        }
        while (i < leftLen) {
            a[k++] = tmp[i++];
        }
    }
}
