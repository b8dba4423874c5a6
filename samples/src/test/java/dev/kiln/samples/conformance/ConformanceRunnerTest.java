package dev.kiln.samples.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.ir.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConformanceRunnerTest {
    @TempDir
    Path dir;

    private static ConformanceRunner runner(UnaryOperator<Model> transform, Duration timeout) {
        return ConformanceRunner.builder().modelTransform(transform).timeout(timeout).build();
    }

    @Test
    void passesAMatchingCaseAndNamesTheFirstMismatch() throws IOException {
        Path good = CaseFolders.passingCase(dir, "test_good");
        Path bad = CaseFolders.absCase(dir, "test_bad", new float[] {-1, 2, -3}, new float[] {1, 2.5f, 3});
        List<CaseResult> seen = new ArrayList<>();
        try (ConformanceRunner r = ConformanceRunner.builder().build()) {
            List<CaseResult> results = r.run(List.of(good, bad), seen::add);
            assertEquals(results, seen);
            assertEquals("PASS test_good", results.get(0).line());
            assertEquals("FAIL test_bad: output 'y': element [1]: expected 2.5, got 2.0 (1 of 3 elements differ)", results.get(1).line());
        }
    }

    @Test
    void anErrorFailsItsCaseAndTheRunGoesOn() throws IOException {
        Path a = CaseFolders.passingCase(dir, "test_a");
        try (ConformanceRunner r = runner(m -> {
            throw new StackOverflowError();
        }, Duration.ofSeconds(20))) {
            assertEquals("FAIL test_a: StackOverflowError", r.runCase(a).line());
        }
        try (ConformanceRunner r = ConformanceRunner.builder().build()) {
            assertTrue(r.runCase(a).passed());
        }
    }

    @Test
    void aHangingCaseTimesOutAndLaterCasesStillRun() throws IOException {
        Path a = CaseFolders.passingCase(dir, "test_a");
        boolean[] hang = {true};
        UnaryOperator<Model> sometimesHangs = m -> {
            if (hang[0]) {
                hang[0] = false;
                // Sleeps rather than spins so the abandoned worker does not take a core from later tests.
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    throw new IllegalStateException("interrupted", e);
                }
            }
            return m;
        };
        try (ConformanceRunner r = runner(sometimesHangs, Duration.ofMillis(300))) {
            CaseResult first = r.runCase(a);
            assertEquals("FAIL test_a: timed out after 300 ms", first.line());
            assertTrue(first.millis() < 5_000, "gave up after " + first.millis() + " ms");
            assertTrue(r.runCase(a).passed(), "the next case gets a fresh worker");
        }
    }

    @Test
    void onnxRoundTripKeepsTheCasePassing() throws IOException {
        Path a = CaseFolders.passingCase(dir, "test_a");
        try (ConformanceRunner r = runner(ConformanceRunner.onnxRoundTrip(), Duration.ofSeconds(20))) {
            assertEquals("PASS test_a", r.runCase(a).line());
        }
    }

    @Test
    void findsCasesInAFolderInNameOrder() throws IOException {
        CaseFolders.passingCase(dir, "test_b");
        CaseFolders.passingCase(dir, "test_a");
        Files.createDirectories(dir.resolve("not_a_case"));
        assertEquals(List.of(dir.resolve("test_a"), dir.resolve("test_b")), ConformanceRunner.findCases(List.of(dir)));
        assertEquals(List.of(dir.resolve("test_b")), ConformanceRunner.findCases(List.of(dir.resolve("test_b"))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConformanceRunner.findCases(List.of(dir.resolve("not_a_case"))));
        assertTrue(e.getMessage().startsWith("no test cases in "), e.getMessage());
    }
}
