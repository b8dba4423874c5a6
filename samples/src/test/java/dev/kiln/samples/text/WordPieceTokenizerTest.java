package dev.kiln.samples.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Expected tokens were worked out from the all-MiniLM-L6-v2 (bert-base-uncased) vocabulary. */
class WordPieceTokenizerTest {
    private static WordPieceTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = WordPieceTokenizerTest.class.getResourceAsStream(SentenceEmbedder.MINILM_TOKENIZER)) {
            tokenizer = WordPieceTokenizer.fromJson(in);
        }
    }

    @Test
    void helloWorldGetsSpecialTokensAndSplitPunctuation() {
        Encoding e = tokenizer.encode("Hello, world!");
        assertEquals(List.of("[CLS]", "hello", ",", "world", "!", "[SEP]"), e.tokens());
        assertArrayEquals(new long[] {101, 7592, 1010, 2088, 999, 102}, e.ids());
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1}, e.attentionMask());
        assertArrayEquals(new long[6], e.typeIds());
    }

    @Test
    void accentsAreStrippedBecauseLowercaseImpliesIt() {
        assertEquals(List.of("cafe", "resume", "naive"), tokenizer.tokenize("Café RÉSUMÉ naïve"));
        assertArrayEquals(new long[] {101, 7668, 13746, 15743, 102}, tokenizer.encode("Café RÉSUMÉ naïve").ids());
    }

    @Test
    void wordsSplitIntoContinuationPiecesGreedily() {
        for (String piece : List.of("em", "##bed", "##ding", "##s", "token", "##ization")) {
            assertNotEquals(-1, tokenizer.tokenId(piece), piece + " is in the vocabulary");
        }
        // "embeddings" is not in the vocabulary; "emb" and "embed" are not either, so "em" is the longest first piece.
        assertEquals(-1, tokenizer.tokenId("embeddings"));
        assertEquals(-1, tokenizer.tokenId("embed"));
        assertEquals(List.of("em", "##bed", "##ding", "##s"), tokenizer.tokenize("embeddings"));
        assertEquals(List.of("token", "##ization"), tokenizer.tokenize("Tokenization"));
        assertArrayEquals(new long[] {101, 7861, 8270, 4667, 2015, 102}, tokenizer.encode("embeddings").ids());
    }

    @Test
    void overlongOrUnsplittableWordsAreUnknown() {
        assertEquals(List.of("[UNK]"), tokenizer.tokenize("a".repeat(101)));
        assertEquals(50, tokenizer.tokenize("a".repeat(100)).size(), "100 characters is still within max_input_chars_per_word");
        // The snowman is a symbol, not punctuation, so it stays inside the word, and no piece covers it.
        assertEquals(List.of("hi", "[UNK]", "hi"), tokenizer.tokenize("hi x\u2603y hi"));
        assertArrayEquals(new long[] {101, 100, 102}, tokenizer.encode("x\u2603y").ids());
    }

    @Test
    void punctuationIsolatedAndCjkCharactersStandAlone() {
        assertEquals(List.of("don", "'", "t"), tokenizer.tokenize("don't"));
        assertEquals(List.of("$", "5", ".", "00"), tokenizer.tokenize("$5.00"));
        assertEquals(List.of("中", "国"), tokenizer.tokenize("中国"));
    }

    @Test
    void controlCharactersDroppedAndWhitespaceNormalised() {
        assertEquals(List.of("hello", "world"), tokenizer.tokenize("hello\u0000\t\u00A0world\u200B"));
    }

    @Test
    void specialTokensInTheTextAreKeptWhole() {
        assertEquals(List.of("hello", "[MASK]", "!"), tokenizer.tokenize("Hello [MASK]!"));
        assertEquals(103, tokenizer.encode("[MASK]").ids()[1]);
    }

    @Test
    void truncationKeepsClsAndSep() {
        Encoding e = tokenizer.withMaxLength(5).encode("a b c d e f");
        assertEquals(List.of("[CLS]", "a", "b", "c", "[SEP]"), e.tokens());
        assertEquals(128, tokenizer.maxLength(), "tokenizer.json truncates at 128");
    }

    @Test
    void batchesArePaddedWithMask() {
        assertEquals(128, tokenizer.fixedLength(), "tokenizer.json pads to a fixed 128");
        assertEquals(128, tokenizer.encodeBatch(List.of("hi")).length());

        TokenBatch b = tokenizer.withPaddingToLongest().encodeBatch(List.of("hi", "hello world"));
        assertEquals(4, b.length());
        Tensor ids = b.inputIds();
        assertArrayEquals(new long[] {2, 4}, ids.dims());
        assertArrayEquals(new long[] {101, 7632, 102, 0, 101, 7592, 2088, 102}, ids.longData());
        assertArrayEquals(new long[] {1, 1, 1, 0, 1, 1, 1, 1}, b.attentionMask().longData());
        assertArrayEquals(new long[8], b.tokenTypeIds().longData());
        assertEquals(List.of("[CLS]", "hi", "[SEP]", "[PAD]"), b.encodings().get(0).tokens());
    }

    @Test
    void rejectsTokenizersOfOtherKinds() {
        String bpe = "{\"model\":{\"type\":\"BPE\",\"vocab\":{}},\"normalizer\":{\"type\":\"BertNormalizer\"}}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WordPieceTokenizer.fromJson(new ByteArrayInputStream(bpe.getBytes(StandardCharsets.UTF_8))));
        assertEquals("tokenizer.json: model type must be WordPiece, got 'BPE'", e.getMessage());
    }
}
