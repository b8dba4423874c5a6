package dev.kiln.samples.fuzz;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One {@link FuzzChild} JVM and the watchdog around it: a request either gets the child's answer, or,
 * when the child dies or stays silent past the time limit, a {@link FuzzOutcome#CRASH} or
 * {@link FuzzOutcome#HANG} answer after which the child is killed and the next request starts a new
 * one. Used by one thread at a time; close it to end the child.
 */
final class FuzzChildProcess implements AutoCloseable {
    private static final String EOF = "\u0000eof";
    /** JVM start-up on a loaded machine can be slow; it is not counted against a case's time limit. */
    private static final Duration STARTUP_LIMIT = Duration.ofMinutes(3);

    private final List<String> command;
    private final Path stderrLog;
    private Process process;
    private Writer stdin;
    private BlockingQueue<String> replies;

    FuzzChildProcess(String heap, Path stderrLog) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xss8m"));
        // the children run the kernels this JVM would: SIMD ones too when it was started with the Vector API
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-modules") || a.startsWith("-Dkiln.simd"))
                .forEach(cmd::add);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FuzzChild.class.getName()));
        this.command = List.copyOf(cmd);
        this.stderrLog = stderrLog;
    }

    /** The outcome and detail for one request, within {@code timeout}. */
    String[] request(Path model, Path caseDir, boolean synthesize, long inputSeed, Duration timeout) throws IOException, InterruptedException {
        if (process == null || !process.isAlive()) {
            String failed = start();
            if (failed != null) {
                kill();
                return new String[] {FuzzOutcome.CRASH.name(), failed};
            }
        }
        stdin.write(model + "\t" + (caseDir == null ? "" : caseDir.toString()) + "\t" + synthesize + "\t" + inputSeed + "\t"
                + runDeadline(timeout).toMillis() + "\n");
        stdin.flush();
        String line = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            kill();
            return new String[] {FuzzOutcome.HANG.name(), "no answer within " + timeout.toMillis() + " ms; child killed"};
        }
        if (line.equals(EOF)) {
            int code = process.waitFor();
            kill();
            return new String[] {FuzzOutcome.CRASH.name(), "child JVM exited with status " + code + " without answering (its stderr: " + stderrLog + ")"};
        }
        String[] parts = line.substring(FuzzChild.REPLY.length()).split("\t", 2);
        if (!process.isAlive() || parts[0].equals(FuzzOutcome.OUT_OF_MEMORY.name()) || parts[0].equals(FuzzOutcome.STACK_OVERFLOW.name())) {
            kill();
        }
        return new String[] {parts[0], parts.length > 1 ? parts[1] : ""};
    }

    /**
     * The deadline the child gives a case, counted from the request (its run gets what loading and
     * compiling leave): half the watchdog's limit, the other half being room for one long kernel between
     * two checks on a loaded machine. So a slow case ends as a typed {@link dev.kiln.api.RunTimeoutException}
     * and the watchdog's HANG stays a backstop for a child that does not answer at all.
     */
    static Duration runDeadline(Duration timeout) {
        return Duration.ofMillis(Math.max(1, timeout.toMillis() / 2));
    }

    /** Starts a child and waits until it is ready; null when it is, else why it is not. */
    private String start() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(stderrLog.toFile()));
        process = pb.start();
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        replies = queue;
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(() -> {
            try {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    if (l.startsWith(FuzzChild.REPLY)) {
                        queue.add(l);
                    }
                }
            } catch (IOException e) {
                // the child went away; the EOF marker below reports it
            }
            queue.add(EOF);
        }, "kiln-fuzz-reader");
        reader.setDaemon(true);
        reader.start();
        String ready = queue.poll(STARTUP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        if (ready == null) {
            return "child JVM not ready within " + STARTUP_LIMIT.toSeconds() + " s of starting";
        }
        if (ready.equals(EOF)) {
            return "child JVM exited while starting, status " + process.waitFor() + " (its stderr: " + stderrLog + ")";
        }
        return null;
    }

    private void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    @Override
    public void close() {
        kill();
    }
}
