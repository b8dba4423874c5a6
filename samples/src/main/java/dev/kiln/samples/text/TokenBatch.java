package dev.kiln.samples.text;

import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import java.util.List;

/**
 * Encodings of equal length, ready to feed a model as {@code int64[batch, length]} tensors.
 *
 * @param encodings one per text, all of {@code length} tokens
 * @param length    the common length after padding
 */
public record TokenBatch(List<Encoding> encodings, int length) {
    public TokenBatch {
        encodings = List.copyOf(encodings);
        for (Encoding e : encodings) {
            if (e.length() != length) {
                throw new IllegalArgumentException("encoding of " + e.length() + " tokens in a batch of length " + length);
            }
        }
    }

    public int size() {
        return encodings.size();
    }

    public Tensor inputIds() {
        return stack(0);
    }

    public Tensor tokenTypeIds() {
        return stack(1);
    }

    public Tensor attentionMask() {
        return stack(2);
    }

    private Tensor stack(int row) {
        long[] data = new long[encodings.size() * length];
        for (int b = 0; b < encodings.size(); b++) {
            Encoding e = encodings.get(b);
            long[] src = row == 0 ? e.ids() : row == 1 ? e.typeIds() : e.attentionMask();
            System.arraycopy(src, 0, data, b * length, length);
        }
        return Tensor.wrap(DType.INT64, Shape.of(encodings.size(), length), data);
    }
}
