package dev.kiln.samples.cli;

import dev.kiln.runtime.train.ProgressBar;
import dev.kiln.samples.train.MiniLmFineTune;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "finetune-minilm", description = "Fine-tune all-MiniLM-L6-v2 (imported from ONNX) as a spam classifier on the bundled "
        + "SpamAssassin messages: a frozen-encoder baseline, then the last transformer layers unfrozen; export one ONNX file and "
        + "check it in ONNX Runtime.")
final class FinetuneMiniLmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SessionFlags session;

    @Option(names = "--tokens", description = "Sequence length (default: 64).")
    int tokens = 64;

    @Option(names = "--train-limit", description = "Use at most this many of the 1,500 training messages (default: 1500).")
    int trainLimit = 1500;

    @Option(names = "--test-limit", description = "Evaluate on at most this many of the 500 test messages (default: 500).")
    int testLimit = 500;

    @Option(names = "--unfreeze", description = "How many of the last transformer layers to fine-tune, 1-6 (default: 2).")
    int unfreeze = 2;

    @Option(names = "--head-epochs", description = "Epochs of the baseline head on cached embeddings (default: 30).")
    int headEpochs = 30;

    @Option(names = "--epochs", description = "Epochs of fine-tuning (default: 2).")
    int epochs = 2;

    @Option(names = "--batch-size", description = "Fine-tuning batch size (default: 16).")
    int batchSize = 16;

    @Option(names = "--lr", description = "Peak AdamW learning rate of fine-tuning (default: 1e-4).")
    double learningRate = 1e-4;

    @Option(names = "--seed", description = "Seed (default: 7).")
    long seed = 7;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the fine-tuned model (default: minilm-spam.onnx).")
    Path out = Path.of("minilm-spam.onnx");

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        MiniLmFineTune.Result r = MiniLmFineTune.run(new MiniLmFineTune.Settings(tokens, trainLimit, testLimit, unfreeze, headEpochs, epochs,
                batchSize, learningRate, seed), session.toOptions(), out, new ProgressBar(w, System.console() != null), w);
        w.printf(Locale.ROOT, "summary: baseline %.4f -> fine-tuned %.4f on %d test messages; ORT max |diff| %.3g; %.1f s in all%n",
                r.baselineAccuracy(), r.fineTunedAccuracy(), r.testSize(), r.ortDifference(), (System.nanoTime() - t0) / 1e9);
        w.flush();
        return 0;
    }
}
