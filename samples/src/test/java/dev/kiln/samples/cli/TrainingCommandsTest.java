package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.samples.train.Mnist;
import dev.kiln.runtime.train.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingCommandsTest {
    @TempDir
    Path dir;

    @Test
    void quickstartTrainsExportsAndAgreesWithOnnxRuntime() throws Exception {
        Path out = dir.resolve("q.onnx");
        KilnCommandTest.Result r = KilnCommandTest.kiln("quickstart", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("epoch 10/10 loss"), r.out());
        Matcher acc = Pattern.compile("accuracy (\\d\\.\\d+)").matcher(r.out());
        assertTrue(acc.find(), r.out());
        assertTrue(Double.parseDouble(acc.group(1)) >= 0.85, r.out());
        Matcher diff = Pattern.compile("largest difference (\\S+)").matcher(r.out());
        assertTrue(diff.find(), r.out());
        assertTrue(Double.parseDouble(diff.group(1)) <= 1e-5, r.out());
        assertTrue(Files.size(out) > 0);
    }

    @Test
    void oneEpochOfTheMnistMlpLearnsAndExportsFaithfully() throws Exception {
        Path out = dir.resolve("mlp.onnx");
        KilnCommandTest.Result r = KilnCommandTest.kiln("train-mnist", "--model", "mlp", "--epochs", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Matcher acc = Pattern.compile("test accuracy (\\d\\.\\d+)").matcher(r.out());
        assertTrue(acc.find(), r.out());
        assertTrue(Double.parseDouble(acc.group(1)) >= 0.85, r.out());
        Matcher diff = Pattern.compile("largest difference (\\S+)").matcher(r.out());
        assertTrue(diff.find(), r.out());
        assertTrue(Double.parseDouble(diff.group(1)) <= 1e-5, r.out());
    }

    @Test
    void bundledMnistHasItsSizesAndEveryDigit() {
        Dataset train = Mnist.train(false);
        Dataset test = Mnist.test(true);
        assertEquals(7996, train.size());
        assertEquals(2004, test.size());
        assertEquals(784, train.column("image").dim(1));
        assertEquals(4, test.column("image").rank());
        int[] counts = new int[10];
        float[] y = test.column("label").floatData();
        for (int i = 0; i < y.length; i++) {
            counts[i % 10] += (int) y[i];
        }
        for (int c : counts) {
            assertTrue(c > 150, java.util.Arrays.toString(counts));
        }
    }
}
