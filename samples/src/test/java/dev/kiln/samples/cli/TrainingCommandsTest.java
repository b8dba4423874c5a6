package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.samples.train.Mnist;
import dev.kiln.samples.train.SpamData;
import java.util.List;
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
    void finetuneMiniLmRunsBothStagesAndExportsFaithfully() throws Exception {
        Path out = dir.resolve("minilm.onnx");
        KilnCommandTest.Result r = KilnCommandTest.kiln("finetune-minilm", "--tokens", "32", "--train-limit", "32",
                "--test-limit", "32", "--unfreeze", "1", "--head-epochs", "3", "--epochs", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(1) frozen encoder + trained head (baseline): test accuracy"), r.out());
        assertTrue(r.out().contains("(2) unfreezing the last 1 transformer layer(s): 18 trainable tensors"), r.out());
        Matcher diff = Pattern.compile("max \\|diff\\| (\\S+)\n").matcher(r.out());
        assertTrue(diff.find(), r.out());
        assertTrue(Double.parseDouble(diff.group(1)) <= 1e-4, r.out());
        assertTrue(Files.size(out) > 80_000_000, "encoder and head in one file");
    }

    @Test
    void bundledSpamDataHasItsSplitAndBothClasses() {
        List<SpamData.Message> train = SpamData.load("train");
        List<SpamData.Message> test = SpamData.load("test");
        assertEquals(1500, train.size());
        assertEquals(500, test.size());
        assertEquals(747, train.stream().filter(SpamData.Message::spam).count());
        assertEquals(253, test.stream().filter(SpamData.Message::spam).count());
        assertTrue(train.stream().allMatch(m -> !m.text().isBlank() && m.text().length() <= 400));
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
