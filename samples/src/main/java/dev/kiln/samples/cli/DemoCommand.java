package dev.kiln.samples.cli;

import dev.kiln.samples.text.SentenceEmbedder;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "demo", description = "Embed a few sentences with all-MiniLM-L6-v2 (bundled) and print their cosine similarities.")
final class DemoCommand implements Callable<Integer> {
    static final List<String> SENTENCES = List.of(
            "A man is playing a guitar.",
            "Someone strums an acoustic guitar on stage.",
            "The new movie was wonderful.",
            "I really enjoyed the film.",
            "Kiln runs ONNX models from Java.",
            "A Java library executes neural network models.");

    @Spec
    CommandSpec spec;

    @Mixin
    SessionFlags session;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        try (SentenceEmbedder embedder = SentenceEmbedder.allMiniLmL6V2(session.toOptions())) {
            long t1 = System.nanoTime();
            float[][] vectors = embedder.embed(SENTENCES);
            long t2 = System.nanoTime();
            w.printf("all-MiniLM-L6-v2: %d sentences -> %d-dimensional embeddings (%s)%n", SENTENCES.size(), vectors[0].length,
                    embedder.backendSummary());
            w.println();
            for (int i = 0; i < SENTENCES.size(); i++) {
                w.printf("  [%d] %s%n", i + 1, SENTENCES.get(i));
            }
            w.println();
            w.println("cosine similarity");
            StringBuilder head = new StringBuilder("     ");
            for (int j = 0; j < SENTENCES.size(); j++) {
                head.append(String.format("   [%d]", j + 1));
            }
            w.println(head);
            for (int i = 0; i < SENTENCES.size(); i++) {
                StringBuilder row = new StringBuilder(String.format("  [%d]", i + 1));
                for (int j = 0; j < SENTENCES.size(); j++) {
                    row.append(String.format(Locale.ROOT, " %6.3f", SentenceEmbedder.cosine(vectors[i], vectors[j])));
                }
                w.println(row);
            }
            w.println();
            w.printf(Locale.ROOT, "loaded in %d ms, embedded in %d ms%n", (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
        }
        w.flush();
        return 0;
    }
}
