package dev.kiln.samples.cli;

import dev.kiln.runtime.train.Dataset;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.runtime.train.LearningRateSchedule;
import dev.kiln.runtime.train.Losses;
import dev.kiln.runtime.train.Network;
import dev.kiln.runtime.train.Optimizer;
import dev.kiln.runtime.train.ProgressBar;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.runtime.train.layers.Activation;
import dev.kiln.runtime.train.layers.Conv2d;
import dev.kiln.runtime.train.layers.Dense;
import dev.kiln.runtime.train.layers.Dropout;
import dev.kiln.runtime.train.layers.Flatten;
import dev.kiln.runtime.train.layers.MaxPool2d;
import dev.kiln.runtime.train.layers.Sequential;
import dev.kiln.samples.train.Mnist;
import dev.kiln.samples.train.OrtCheck;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train-mnist", description = "Train an MLP or a small CNN on the bundled MNIST digits (8k train / 2k test), "
        + "report test accuracy and time, export ONNX and check it in ONNX Runtime.")
final class TrainMnistCommand implements Callable<Integer> {
    enum Kind { mlp, cnn }

    @Spec
    CommandSpec spec;

    @Mixin
    SessionFlags session;

    @Option(names = "--model", description = "mlp or cnn (default: mlp).")
    Kind model = Kind.mlp;

    @Option(names = "--epochs", description = "Epochs (default: 15 for mlp, 10 for cnn).")
    Integer epochs;

    @Option(names = "--batch-size", description = "Batch size (default: 64).")
    int batchSize = 64;

    @Option(names = "--seed", description = "Seed (default: 7).")
    long seed = 7;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the exported model (default: mnist-<model>.onnx).")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        boolean cnn = model == Kind.cnn;
        int n = epochs != null ? epochs : cnn ? 10 : 15;
        Path file = out != null ? out : Path.of("mnist-" + model + ".onnx");
        Dataset train = Mnist.train(cnn);
        Dataset test = Mnist.test(cnn);
        Network network = cnn ? cnnNetwork() : mlpNetwork();
        int batches = (train.size() + batchSize - 1) / batchSize;
        w.printf("train-mnist %s: %d training and %d test images, %d epochs of %d batches%n", model, train.size(), test.size(), n, batches);
        w.flush();
        long t0 = System.nanoTime();
        try (Trainer trainer = Trainer.builder(network).optimizer(Optimizer.adam(cnn ? 2e-3 : 1e-3)).batchSize(batchSize).seed(seed)
                .schedule(LearningRateSchedule.cosine((long) n * batches, 0.05))
                .sessionOptions(session.toOptions()).listener(new ProgressBar(w, System.console() != null)).build()) {
            trainer.fit(train, null, n);
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            Evaluation e = trainer.evaluate(test);
            w.printf(Locale.ROOT, "test accuracy %.4f (loss %.4f); trained %d parameters in %.1f s%n", e.firstAccuracy(), e.loss(),
                    trainer.parameters().trainableCount(), trainSeconds);
            OrtCheck.exportAndCompare(trainer, Map.of("kiln.sample", "train-mnist " + model,
                    "kiln.test_accuracy", String.format(Locale.ROOT, "%.4f", e.firstAccuracy())), file, test, w);
        }
        w.flush();
        return 0;
    }

    static Network mlpNetwork() {
        return Network.of("image", new long[] {Mnist.SIDE * Mnist.SIDE}, Sequential.of(new Dense(512, Activation.RELU),
                new Dropout(0.3), new Dense(256, Activation.RELU), new Dropout(0.3), new Dense(Mnist.CLASSES, Activation.LINEAR)), Losses.softmaxCrossEntropy());
    }

    static Network cnnNetwork() {
        return Network.of("image", new long[] {1, Mnist.SIDE, Mnist.SIDE}, Sequential.of(
                new Conv2d(16, 3, Activation.RELU), new MaxPool2d(2),
                new Conv2d(32, 3, Activation.RELU), new MaxPool2d(2),
                new Flatten(), new Dense(128, Activation.RELU), new Dropout(0.3), new Dense(Mnist.CLASSES, Activation.LINEAR)), Losses.softmaxCrossEntropy());
    }
}
