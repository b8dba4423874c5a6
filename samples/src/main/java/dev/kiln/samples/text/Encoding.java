package dev.kiln.samples.text;

import java.util.Arrays;
import java.util.List;

/**
 * One tokenised text: its tokens and the three id rows a BERT model takes. Arrays are owned by the
 * record; callers must not modify them.
 *
 * @param tokens        the token strings, special and padding tokens included
 * @param ids           vocabulary ids, one per token
 * @param typeIds       segment ids (0 for a single sentence)
 * @param attentionMask 1 for real tokens, 0 for padding
 */
public record Encoding(List<String> tokens, long[] ids, long[] typeIds, long[] attentionMask) {
    public Encoding {
        tokens = List.copyOf(tokens);
        if (ids.length != tokens.size() || typeIds.length != tokens.size() || attentionMask.length != tokens.size()) {
            throw new IllegalArgumentException("an encoding needs one id, type id and mask entry per token");
        }
    }

    public int length() {
        return ids.length;
    }

    /** This encoding padded on the right to {@code length} with {@code padToken}; unchanged when already as long. */
    public Encoding padTo(int length, String padToken, long padId) {
        if (length <= ids.length) {
            return this;
        }
        String[] t = tokens.toArray(new String[length]);
        Arrays.fill(t, ids.length, length, padToken);
        long[] i = Arrays.copyOf(ids, length);
        Arrays.fill(i, ids.length, length, padId);
        return new Encoding(Arrays.asList(t), i, Arrays.copyOf(typeIds, length), Arrays.copyOf(attentionMask, length));
    }
}
