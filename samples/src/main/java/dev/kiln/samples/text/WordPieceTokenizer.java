package dev.kiln.samples.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT WordPiece tokenizer read from a Hugging Face {@code tokenizer.json}: added special tokens are
 * matched in the raw text, the rest is normalised and split by {@link BertNormalizer}, and each word
 * becomes the greedy longest-match-first sequence of vocabulary pieces (continuations carry the
 * {@code ##} prefix; a word with no such split, or longer than {@code max_input_chars_per_word}, is one
 * unknown token). {@link #encode} adds {@code [CLS]}/{@code [SEP]} and truncates to {@link #maxLength()};
 * {@link #encodeBatch} also pads. Immutable and thread-safe.
 */
public final class WordPieceTokenizer {
    /** Used when tokenizer.json sets no truncation: the longest input BERT-style models take. */
    public static final int DEFAULT_MAX_LENGTH = 512;

    private final Map<String, Integer> vocab;
    private final BertNormalizer normalizer;
    private final String unkToken;
    private final String prefix;
    private final int maxInputCharsPerWord;
    private final List<String> addedTokens;
    private final String clsToken;
    private final String sepToken;
    private final String padToken;
    private final long padId;
    private final int maxLength;
    private final int fixedLength;

    private WordPieceTokenizer(Map<String, Integer> vocab, BertNormalizer normalizer, String unkToken, String prefix,
                               int maxInputCharsPerWord, List<String> addedTokens, String clsToken, String sepToken,
                               String padToken, long padId, int maxLength, int fixedLength) {
        this.vocab = vocab;
        this.normalizer = normalizer;
        this.unkToken = unkToken;
        this.prefix = prefix;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        this.addedTokens = addedTokens;
        this.clsToken = clsToken;
        this.sepToken = sepToken;
        this.padToken = padToken;
        this.padId = padId;
        this.maxLength = maxLength;
        this.fixedLength = fixedLength;
        for (String t : List.of(unkToken, clsToken, sepToken)) {
            if (!vocab.containsKey(t)) {
                throw new IllegalArgumentException("tokenizer vocabulary lacks the special token " + t);
            }
        }
    }

    /** Reads a {@code tokenizer.json} whose model is WordPiece and whose normaliser is BertNormalizer. */
    public static WordPieceTokenizer fromJson(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return fromJson(in);
        }
    }

    /** Reads a {@code tokenizer.json} from a stream, which is not closed. */
    public static WordPieceTokenizer fromJson(InputStream in) throws IOException {
        return TokenizerJson.parse(new ObjectMapper().readTree(in));
    }

    // The tokenizer.json layout lives here alone; the tokenizer itself never sees JSON.
    private static final class TokenizerJson {
        static WordPieceTokenizer parse(JsonNode root) {
            JsonNode model = root.path("model");
            if (!"WordPiece".equals(model.path("type").asText())) {
                throw new IllegalArgumentException("tokenizer.json: model type must be WordPiece, got '" + model.path("type").asText() + "'");
            }
            JsonNode norm = root.path("normalizer");
            if (!"BertNormalizer".equals(norm.path("type").asText())) {
                throw new IllegalArgumentException("tokenizer.json: normalizer must be BertNormalizer, got '" + norm.path("type").asText() + "'");
            }
            String pre = root.path("pre_tokenizer").path("type").asText();
            if (!pre.equals("BertPreTokenizer")) {
                throw new IllegalArgumentException("tokenizer.json: pre_tokenizer must be BertPreTokenizer, got '" + pre + "'");
            }
            boolean lowercase = norm.path("lowercase").asBoolean(true);
            // As in the reference implementation, an unset strip_accents follows lowercase.
            JsonNode strip = norm.path("strip_accents");
            boolean stripAccents = strip.isBoolean() ? strip.asBoolean() : lowercase;
            BertNormalizer normalizer = new BertNormalizer(norm.path("clean_text").asBoolean(true),
                    norm.path("handle_chinese_chars").asBoolean(true), stripAccents, lowercase);

            Map<String, Integer> vocab = new HashMap<>();
            model.path("vocab").properties().forEach(e -> vocab.put(e.getKey(), e.getValue().asInt()));
            if (vocab.isEmpty()) {
                throw new IllegalArgumentException("tokenizer.json: model.vocab is missing or empty");
            }
            List<String> added = new ArrayList<>();
            root.path("added_tokens").forEach(t -> {
                added.add(t.path("content").asText());
                vocab.putIfAbsent(t.path("content").asText(), t.path("id").asInt());
            });
            added.sort(Comparator.comparingInt(String::length).reversed());

            String[] clsSep = specialTokens(root.path("post_processor"));
            JsonNode padding = root.path("padding");
            int fixed = padding.path("strategy").path("Fixed").asInt(0);
            JsonNode truncation = root.path("truncation");
            int maxLength = truncation.isObject() ? truncation.path("max_length").asInt(DEFAULT_MAX_LENGTH) : DEFAULT_MAX_LENGTH;
            return new WordPieceTokenizer(vocab, normalizer, model.path("unk_token").asText("[UNK]"),
                    model.path("continuing_subword_prefix").asText("##"), model.path("max_input_chars_per_word").asInt(100),
                    List.copyOf(added), clsSep[0], clsSep[1], padding.path("pad_token").asText("[PAD]"),
                    padding.path("pad_id").asLong(0), maxLength, fixed);
        }

        // BertProcessing names cls/sep directly; TemplateProcessing puts them around the single sequence.
        private static String[] specialTokens(JsonNode post) {
            String cls = "[CLS]";
            String sep = "[SEP]";
            if ("BertProcessing".equals(post.path("type").asText())) {
                cls = post.path("cls").path(0).asText(cls);
                sep = post.path("sep").path(0).asText(sep);
            } else if ("TemplateProcessing".equals(post.path("type").asText())) {
                JsonNode single = post.path("single");
                if (single.size() >= 3) {
                    cls = single.get(0).path("SpecialToken").path("id").asText(cls);
                    sep = single.get(single.size() - 1).path("SpecialToken").path("id").asText(sep);
                }
            }
            return new String[] {cls, sep};
        }
    }

    /** The same tokenizer truncating to {@code length} tokens, specials included. */
    public WordPieceTokenizer withMaxLength(int length) {
        if (length < 2) {
            throw new IllegalArgumentException("max length must leave room for [CLS] and [SEP], got " + length);
        }
        return new WordPieceTokenizer(vocab, normalizer, unkToken, prefix, maxInputCharsPerWord, addedTokens, clsToken,
                sepToken, padToken, padId, length, Math.min(fixedLength, length));
    }

    /** The same tokenizer padding each batch only to its longest encoding instead of a fixed length. */
    public WordPieceTokenizer withPaddingToLongest() {
        return new WordPieceTokenizer(vocab, normalizer, unkToken, prefix, maxInputCharsPerWord, addedTokens, clsToken,
                sepToken, padToken, padId, maxLength, 0);
    }

    /** Tokens longer than this, [CLS] and [SEP] included, are cut from the end. */
    public int maxLength() {
        return maxLength;
    }

    /** The fixed length batches are padded to, or 0 when they are padded to their longest text. */
    public int fixedLength() {
        return fixedLength;
    }

    /** The vocabulary id of a token, or -1 when it has none. */
    public int tokenId(String token) {
        return vocab.getOrDefault(token, -1);
    }

    /** The WordPiece tokens of a text, without special tokens or truncation. */
    public List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            String added = addedTokenAt(text, i);
            if (added != null) {
                splitWords(text.substring(start, i), out);
                out.add(added);
                i += added.length() - 1;
                start = i + 1;
            }
        }
        splitWords(text.substring(start), out);
        return out;
    }

    /** {@code [CLS] tokens [SEP]}, truncated to {@link #maxLength()}, unpadded. */
    public Encoding encode(String text) {
        List<String> pieces = tokenize(text);
        List<String> tokens = new ArrayList<>(Math.min(pieces.size(), maxLength - 2) + 2);
        tokens.add(clsToken);
        tokens.addAll(pieces.subList(0, Math.min(pieces.size(), maxLength - 2)));
        tokens.add(sepToken);
        long[] ids = new long[tokens.size()];
        long[] mask = new long[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = vocab.get(tokens.get(i));
            mask[i] = 1;
        }
        return new Encoding(tokens, ids, new long[ids.length], mask);
    }

    /** Encodes each text and pads them to the fixed length, or to the longest when there is none. */
    public TokenBatch encodeBatch(List<String> texts) {
        List<Encoding> encodings = new ArrayList<>(texts.size());
        int length = fixedLength;
        for (String t : texts) {
            Encoding e = encode(t);
            encodings.add(e);
            length = Math.max(length, e.length());
        }
        List<Encoding> padded = new ArrayList<>(encodings.size());
        for (Encoding e : encodings) {
            padded.add(e.padTo(length, padToken, padId));
        }
        return new TokenBatch(padded, length);
    }

    private String addedTokenAt(String text, int i) {
        for (String t : addedTokens) {
            if (text.startsWith(t, i)) {
                return t;
            }
        }
        return null;
    }

    private void splitWords(String text, List<String> out) {
        for (String word : normalizer.split(text)) {
            wordPieces(word, out);
        }
    }

    // Greedy longest-match-first: at each position take the longest vocabulary piece; one miss makes the word unknown.
    private void wordPieces(String word, List<String> out) {
        int[] cps = word.codePoints().toArray();
        if (cps.length > maxInputCharsPerWord) {
            out.add(unkToken);
            return;
        }
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < cps.length) {
            String match = null;
            int end = cps.length;
            for (; end > start; end--) {
                String piece = new String(cps, start, end - start);
                String candidate = start > 0 ? prefix + piece : piece;
                if (vocab.containsKey(candidate)) {
                    match = candidate;
                    break;
                }
            }
            if (match == null) {
                out.add(unkToken);
                return;
            }
            pieces.add(match);
            start = end;
        }
        out.addAll(pieces);
    }
}
