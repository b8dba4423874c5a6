package dev.kiln.samples.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * BERT's text normalisation and pre-tokenisation, as Hugging Face's {@code BertNormalizer} and
 * {@code BertPreTokenizer} do it: drop control characters, space out CJK ideographs, strip accents,
 * lower-case, then split on whitespace and isolate every punctuation character. Immutable and thread-safe.
 *
 * @param cleanText          drop NUL, U+FFFD and control characters; map whitespace to a space
 * @param handleChineseChars surround each CJK ideograph with spaces so it becomes its own word
 * @param stripAccents       decompose (NFD) and drop combining marks
 * @param lowercase          lower-case every character
 */
public record BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {

    /** Normalises then splits into words: runs of letters and digits, and single punctuation characters. */
    public List<String> split(String text) {
        String normalized = normalize(text);
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        normalized.codePoints().forEach(cp -> {
            if (isWhitespace(cp) || isPunctuation(cp)) {
                if (word.length() > 0) {
                    words.add(word.toString());
                    word.setLength(0);
                }
                if (isPunctuation(cp)) {
                    words.add(new String(Character.toChars(cp)));
                }
            } else {
                word.appendCodePoint(cp);
            }
        });
        if (word.length() > 0) {
            words.add(word.toString());
        }
        return words;
    }

    /** The text after cleaning, CJK spacing, accent stripping and lower-casing, in that order. */
    public String normalize(String text) {
        StringBuilder b = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(cp -> {
            if (cleanText && (cp == 0 || cp == 0xFFFD || isControl(cp))) {
                return;
            }
            if (cleanText && isWhitespace(cp)) {
                b.append(' ');
            } else if (handleChineseChars && isCjk(cp)) {
                b.append(' ').appendCodePoint(cp).append(' ');
            } else {
                b.appendCodePoint(cp);
            }
        });
        String s = b.toString();
        if (stripAccents) {
            s = Normalizer.normalize(s, Normalizer.Form.NFD);
            StringBuilder kept = new StringBuilder(s.length());
            s.codePoints().filter(cp -> Character.getType(cp) != Character.NON_SPACING_MARK).forEach(kept::appendCodePoint);
            s = kept.toString();
        }
        return lowercase ? s.toLowerCase(Locale.ROOT) : s;
    }

    static boolean isWhitespace(int cp) {
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || Character.isWhitespace(cp) || Character.isSpaceChar(cp);
    }

    // Tab, newline and carriage return count as whitespace, not control, as in the reference tokenizer.
    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                || type == Character.PRIVATE_USE || type == Character.UNASSIGNED;
    }

    // BERT treats all non-letter/number ASCII symbols (such as ^ $ `) as punctuation, besides Unicode's P* classes.
    static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    // The CJK Unified Ideographs blocks BERT isolates; Hangul and kana are written with spaces and are not included.
    static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
