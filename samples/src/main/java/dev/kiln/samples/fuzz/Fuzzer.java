package dev.kiln.samples.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Loads and runs mutated variants of ONNX test-case models in a pool of child JVMs, each case under a
 * time limit. Case {@code i} of seed {@code s} is always the same model (same source case, same
 * mutations, same choice of inputs), whatever the number of workers, so any case can be rerun alone
 * with {@link Builder#only(int)}. Every case that ends other than {@link FuzzOutcome#allowed() allowed}
 * leaves a reproducer folder (the mutated model and a note with seed, index, source and mutations).
 * One run per instance; not thread-safe.
 */
public final class Fuzzer {
    private final List<Path> cases;
    private final long seed;
    private final int count;
    private final int first;
    private final Duration timeout;
    private final int workers;
    private final String heap;
    private final Path outDir;
    private final byte[][] originals;

    private Fuzzer(Builder b) {
        this.cases = List.copyOf(b.cases);
        this.seed = b.seed;
        this.count = b.only >= 0 ? 1 : b.count;
        this.first = Math.max(0, b.only);
        this.timeout = b.timeout;
        this.workers = b.workers;
        this.heap = b.heap;
        this.outDir = b.outDir;
        this.originals = new byte[cases.size()][];
        for (int i = 0; i < cases.size(); i++) {
            try {
                originals[i] = Files.readAllBytes(cases.get(i).resolve("model.onnx"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + cases.get(i).resolve("model.onnx"), e);
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs every case, handing each result to {@code listener} (from worker threads, one at a time). */
    public FuzzReport run(Consumer<FuzzResult> listener) throws IOException, InterruptedException {
        Files.createDirectories(outDir);
        FuzzReport report = new FuzzReport();
        AtomicInteger next = new AtomicInteger(first);
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int worker = w;
            done.add(pool.submit(() -> {
                Path dir = Files.createDirectories(outDir.resolve("work").resolve("w" + worker));
                try (FuzzChildProcess child = new FuzzChildProcess(heap, dir.resolve("child-stderr.log"))) {
                    for (int i = next.getAndIncrement(); i < first + count; i = next.getAndIncrement()) {
                        FuzzResult r = runCase(i, child, dir);
                        synchronized (report) {
                            report.add(r);
                            listener.accept(r);
                        }
                    }
                }
                return null;
            }));
        }
        pool.shutdown();
        try {
            for (Future<?> f : done) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("fuzz worker failed: " + e.getCause(), e.getCause());
        }
        report.finish((System.nanoTime() - start) / 1_000_000);
        return report;
    }

    private FuzzResult runCase(int index, FuzzChildProcess child, Path workDir) throws IOException, InterruptedException {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        int source = rng.nextInt(cases.size());
        ModelMutator.Result mutated = new ModelMutator().mutate(originals[source], rng);
        boolean synthesize = rng.nextInt(5) == 0;
        long inputSeed = rng.nextInt(4) == 0 ? rng.nextLong() | 1 : 0;
        Path model = workDir.resolve("model.onnx");
        Files.write(model, mutated.bytes());
        long t0 = System.nanoTime();
        String[] answer = child.request(model, cases.get(source), synthesize, inputSeed, timeout);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        FuzzResult r = new FuzzResult(index, cases.get(source).getFileName().toString(), mutated.applied(), synthesize, inputSeed,
                FuzzOutcome.valueOf(answer[0]), answer[1], ms);
        if (!r.outcome().allowed()) {
            saveReproducer(r, mutated.bytes(), cases.get(source));
        }
        return r;
    }

    private void saveReproducer(FuzzResult r, byte[] bytes, Path source) throws IOException {
        Path dir = Files.createDirectories(outDir.resolve("repro").resolve("case-" + r.index()));
        Files.write(dir.resolve("model.onnx"), bytes);
        String note = "seed: " + seed + "\nindex: " + r.index() + "\nsource case: " + source + "\nmutations: " + r.mutations()
                + "\ninputs: " + (r.synthesized() ? "synthesized from the declared types" : "the source case's test_data_set_0")
                + (r.inputSeed() != 0 ? ", one integer element made extreme (input seed " + r.inputSeed() + ")" : "")
                + "\noutcome: " + r.outcome() + "\ndetail: " + r.detail()
                + "\nrerun: java -jar samples/target/kiln.jar fuzz " + source.getParent() + " --seed " + seed + " --only " + r.index() + "\n";
        Files.writeString(dir.resolve("README.txt"), note);
    }

    /** Collects a fuzz run's settings; the case folders are required. */
    public static final class Builder {
        private List<Path> cases = List.of();
        private long seed = 1;
        private int count = 1000;
        private int only = -1;
        private Duration timeout = Duration.ofSeconds(10);
        private int workers = 2;
        private String heap = "1g";
        private Path outDir = Path.of("target", "fuzz");

        private Builder() {
        }

        public Builder cases(List<Path> v) {
            cases = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder count(int v) {
            count = v;
            return this;
        }

        /** Runs only case {@code index} of the seed (to reproduce it). */
        public Builder only(int index) {
            only = index;
            return this;
        }

        public Builder timeout(Duration v) {
            timeout = v;
            return this;
        }

        public Builder workers(int v) {
            workers = v;
            return this;
        }

        /** The child JVMs' maximum heap, as for {@code -Xmx} ({@code 1g}). */
        public Builder heap(String v) {
            heap = v;
            return this;
        }

        /** Where reproducers and the children's work files go. */
        public Builder outDir(Path v) {
            outDir = v;
            return this;
        }

        public Fuzzer build() {
            if (cases.isEmpty()) {
                throw new IllegalArgumentException("no test cases to fuzz");
            }
            if (count < 1 || workers < 1 || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("cases and workers must be at least 1 and the timeout positive");
            }
            if (!heap.matches("\\d+[kmgKMG]?")) {
                throw new IllegalArgumentException("heap must look like 512m or 1g, got '" + heap + "'");
            }
            return new Fuzzer(this);
        }
    }
}
