package dev.kiln.backend.cpu.kernels.attention;

import dev.kiln.api.InvalidInputException;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Tensor;

/**
 * The additive bias of Attention for one run: the attention mask (boolean: false gives {@code -inf}; other
 * types are added as values; a last axis shorter than the total key length is padded with {@code -inf}),
 * the key padding of {@code nonpad_kv_seqlen} (keys at or past a batch's count get {@code -inf}), and the
 * bottom-right causal frontier (query {@code i} sees key {@code j} iff {@code j <= i + offset}). Immutable
 * after construction; thread-safe.
 */
final class AttentionBias {
    private final boolean[] boolMask;
    private final double[] valueMask;
    /** Strides of the mask over (batch, head, query, key) after right-aligned broadcasting; 0 where broadcast. */
    private final long[] strides = new long[4];
    private final int maskKeys;
    private final long[] nonpad;
    private final boolean causal;
    private final int pastLength;
    private final int queries;
    private final int total;

    /**
     * @param mask       the attn_mask input, or null
     * @param nonpad     nonpad_kv_seqlen per batch, or null
     * @param pastLength keys taken from past_key (0 without a past cache)
     */
    AttentionBias(Tensor mask, long[] nonpad, boolean causal, int pastLength, int batch, int heads, int queries, int total) {
        this.nonpad = nonpad;
        this.causal = causal;
        this.pastLength = pastLength;
        this.queries = queries;
        this.total = total;
        if (mask == null) {
            boolMask = null;
            valueMask = null;
            maskKeys = total;
            return;
        }
        long[] target = {batch, heads, queries, total};
        long[] dims = mask.dims();
        if (dims.length < 1 || dims.length > 4) {
            throw new InvalidInputException("input 'attn_mask': expected rank 1 to 4 broadcastable to " + java.util.Arrays.toString(target)
                    + ", got " + mask.describe());
        }
        maskKeys = (int) dims[dims.length - 1];
        if (maskKeys > total) {
            throw new InvalidInputException("input 'attn_mask': last dimension " + maskKeys + " exceeds the total key length " + total);
        }
        long stride = 1;
        for (int a = 3; a >= 0; a--) {
            int md = a - (4 - dims.length);
            long d = md >= 0 ? dims[md] : 1;
            if (a < 3 && d != 1 && d != target[a]) {
                throw new InvalidInputException("input 'attn_mask': " + mask.describe() + " does not broadcast to "
                        + java.util.Arrays.toString(target));
            }
            strides[a] = d == 1 && a < 3 ? 0 : stride;
            stride *= d;
        }
        if (mask.dtype() == DType.BOOL) {
            boolMask = mask.booleanData();
            valueMask = null;
        } else {
            boolMask = null;
            valueMask = mask.toDoubleArray();
        }
    }

    /** Adds the bias of batch {@code b}, query head {@code h} to the queries x total score matrix {@code s}. */
    void apply(int b, int h, double[] s) {
        int valid = nonpad == null ? total : (int) Math.max(0, Math.min(total, nonpad[b]));
        long offset = pastLength > 0 || nonpad == null ? pastLength : nonpad[b] - queries;
        for (int i = 0; i < queries; i++) {
            int row = i * total;
            long mrow = b * strides[0] + h * strides[1] + i * strides[2];
            for (int j = 0; j < total; j++) {
                boolean blocked = j >= valid || j >= maskKeys || causal && j > i + offset;
                if (!blocked && boolMask != null) {
                    blocked = !boolMask[(int) (mrow + j * strides[3])];
                }
                if (blocked) {
                    s[row + j] = Double.NEGATIVE_INFINITY;
                } else if (valueMask != null) {
                    s[row + j] += valueMask[(int) (mrow + j * strides[3])];
                }
            }
        }
    }
}
