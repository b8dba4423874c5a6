package dev.kiln.samples.train;

import dev.kiln.api.tensor.Tensor;
import dev.kiln.runtime.train.Dataset;
import dev.kiln.runtime.train.OnnxExport;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.testing.OrtReference;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Runs an exported model in ONNX Runtime and measures how far its outputs are from Kiln's. Stateless. */
public final class OrtCheck {
    private OrtCheck() {
    }

    /**
     * Exports the trainer's model to {@code file}, runs it in ONNX Runtime on the test set's input column
     * and prints the file size and the largest difference from Kiln's predictions; returns that difference.
     */
    public static double exportAndCompare(Trainer trainer, Map<String, String> metadata, Path file, Dataset test, PrintWriter w)
            throws IOException {
        byte[] bytes = OnnxExport.toBytes(trainer.exportModel(metadata));
        Files.write(file, bytes);
        String input = trainer.network().input();
        Tensor x = test.column(input);
        double diff = largestDifference(bytes, input, x, trainer.predict(x));
        w.printf(Locale.ROOT, "exported %s (%d bytes); ONNX Runtime vs Kiln on the test set: largest difference %.3g%n",
                file, bytes.length, diff);
        return diff;
    }

    /** The largest absolute difference between ORT's output and {@code expected}, over every output named there. */
    public static double largestDifference(byte[] onnx, String input, Tensor x, Map<String, Tensor> expected) {
        return largestDifference(onnx, Map.of(input, x), expected);
    }

    /** The same for a model of several inputs, given by name. */
    public static double largestDifference(byte[] onnx, Map<String, Tensor> inputs, Map<String, Tensor> expected) {
        Map<String, Tensor> ort = OrtReference.run(onnx, inputs);
        double worst = 0;
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            Tensor got = ort.get(e.getKey());
            if (got == null) {
                throw new IllegalStateException("ORT gave no output " + e.getKey());
            }
            if (got.elementCount() != e.getValue().elementCount()) {
                throw new IllegalStateException("output " + e.getKey() + ": ORT gave " + got.elementCount() + " values, Kiln " + e.getValue().elementCount());
            }
            for (int i = 0; i < got.elementCount(); i++) {
                worst = Math.max(worst, Math.abs(got.getDouble(i) - e.getValue().getDouble(i)));
            }
        }
        return worst;
    }
}
