package dev.kiln.samples.train;

import dev.kiln.runtime.train.Dataset;
import dev.kiln.samples.text.TokenBatch;
import dev.kiln.samples.text.WordPieceTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The spam/ham messages shipped with the samples (resource data/spam/spam-assassin.tsv.gz: 2,000 messages
 * of the SpamAssassin public corpus, 1,500 train and 500 test in a fixed split; see that folder's README
 * for how it was made and its licence). Labels: 1 spam, 0 ham. Stateless.
 */
public final class SpamData {
    static final String RESOURCE = "/data/spam/spam-assassin.tsv.gz";

    /** One message: its split ("train" or "test"), whether it is spam, and "subject | start of the body". */
    public record Message(String split, boolean spam, String text) {
    }

    private SpamData() {
    }

    /** Every message of {@code split} in file order. */
    public static List<Message> load(String split) {
        List<Message> out = new ArrayList<>();
        try (InputStream raw = SpamData.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the samples jar");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", 3);
                if (f.length != 3 || !(f[1].equals("spam") || f[1].equals("ham"))) {
                    throw new IllegalStateException(RESOURCE + ": expected split<TAB>spam|ham<TAB>text, got " + line);
                }
                if (f[0].equals(split)) {
                    out.add(new Message(f[0], f[1].equals("spam"), f[2]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no messages in split '" + split + "'; expected train or test");
        }
        return out;
    }

    /**
     * Tokenised messages as columns input_ids, attention_mask, token_type_ids (int64 [N, L], L the
     * tokenizer's fixed length) and label (one-hot float32 [N, 2], spam = class 1).
     */
    public static Dataset tokenize(List<Message> messages, WordPieceTokenizer tokenizer) {
        if (tokenizer.fixedLength() <= 0) {
            throw new IllegalArgumentException("the tokenizer must pad to a fixed length for training");
        }
        TokenBatch batch = tokenizer.encodeBatch(messages.stream().map(Message::text).toList());
        int[] labels = messages.stream().mapToInt(m -> m.spam() ? 1 : 0).toArray();
        return Dataset.of(Map.of("input_ids", batch.inputIds(), "attention_mask", batch.attentionMask(),
                "token_type_ids", batch.tokenTypeIds(), "label", Dataset.oneHot(labels, 2)));
    }
}
