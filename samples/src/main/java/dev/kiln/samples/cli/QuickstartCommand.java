package dev.kiln.samples.cli;

import dev.kiln.runtime.train.Dataset;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.runtime.train.Losses;
import dev.kiln.runtime.train.Network;
import dev.kiln.runtime.train.Optimizer;
import dev.kiln.runtime.train.ProgressBar;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.runtime.train.layers.Activation;
import dev.kiln.runtime.train.layers.Dense;
import dev.kiln.runtime.train.layers.Sequential;
import dev.kiln.samples.train.OrtCheck;
import dev.kiln.samples.train.Quickstart;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "quickstart", description = "Train a small classifier (Dense(4, relu) -> Dense(2, softmax), Adam) on a built-in "
        + "data set, evaluate it, export ONNX and check it in ONNX Runtime.")
final class QuickstartCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SessionFlags session;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the exported model (default: quickstart.onnx).")
    Path out = Path.of("quickstart.onnx");

    @Option(names = "--epochs", description = "Epochs (default: 10).")
    int epochs = 10;

    @Option(names = "--seed", description = "Seed of weights, shuffling (default: 1).")
    long seed = 1;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        Dataset train = Quickstart.train();
        Dataset test = Quickstart.test();
        Network network = Network.of("x", new long[] {3},
                Sequential.of(new Dense(4, Activation.RELU), new Dense(2, Activation.SOFTMAX)), Losses.categoricalCrossEntropy());
        w.printf("quickstart: %d training and %d test points, 3 features, 2 classes%n", train.size(), test.size());
        w.flush();
        try (Trainer trainer = Trainer.builder(network).optimizer(Optimizer.adam(0.05)).batchSize(16).seed(seed)
                .sessionOptions(session.toOptions()).listener(new ProgressBar(w, System.console() != null)).build()) {
            trainer.fit(train, null, epochs);
            Evaluation e = trainer.evaluate(test);
            w.printf(Locale.ROOT, "test loss %.4f, accuracy %.4f%n", e.loss(), e.firstAccuracy());
            OrtCheck.exportAndCompare(trainer, Map.of("kiln.sample", "quickstart"), out, test, w);
        }
        w.flush();
        return 0;
    }
}
