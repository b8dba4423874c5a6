package dev.kiln.samples.fuzz;

import dev.kiln.api.KilnException;
import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Node;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.DType;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Shape;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.converters.testdata.OnnxTestCaseReader;
import dev.kiln.runtime.session.RunOptions;
import dev.kiln.runtime.session.Session;
import dev.kiln.runtime.session.SessionOptions;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The child JVM of a fuzz run: reads one request per line from standard input
 * ({@code modelFile TAB caseDir TAB synthesize TAB inputSeed TAB deadlineMillis}), loads the model, opens a
 * session, runs it within what is left of the deadline (counted from the request) on the
 * case's inputs (or on inputs made from the declared types; with a non-zero input seed one element of an
 * integer input, where shapes, indices and counts live, is set to an extreme value), and answers one line
 * {@code @@fuzz OUTCOME TAB detail} on standard output. An {@link Error} is reported and then ends the
 * process, since the heap may not be usable after it. Single-threaded.
 */
public final class FuzzChild {
    static final String REPLY = "@@fuzz ";
    static final String READY = "READY";
    /** Synthesized inputs stay below this many elements; larger declared shapes get a one-element tensor. */
    private static final long MAX_SYNTH_ELEMENTS = 1 << 20;

    private FuzzChild() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        // kernels and libraries must not write into the protocol stream
        System.setOut(System.err);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        warmUp();
        out.println(REPLY + READY);
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            long received = System.nanoTime();
            String[] parts = line.split("\t", -1);
            String reply;
            boolean fatal = false;
            try {
                runCase(Path.of(parts[0]), parts[1].isEmpty() ? null : Path.of(parts[1]), Boolean.parseBoolean(parts[2]), Long.parseLong(parts[3]),
                        parts.length > 4 ? Duration.ofMillis(Long.parseLong(parts[4])) : null, received);
                reply = FuzzOutcome.OK + "\t";
            } catch (KilnException e) {
                reply = FuzzOutcome.TYPED + "\t" + e.getClass().getSimpleName() + wrapped(e) + ": " + oneLine(e.getMessage());
            } catch (OutOfMemoryError e) {
                reply = FuzzOutcome.OUT_OF_MEMORY + "\t" + oneLine(e.getMessage()) + at(e);
                fatal = true;
            } catch (StackOverflowError e) {
                reply = FuzzOutcome.STACK_OVERFLOW + "\t" + at(e);
                fatal = true;
            } catch (Throwable e) {
                reply = FuzzOutcome.UNTYPED + "\t" + e.getClass().getName() + ": " + oneLine(e.getMessage()) + at(e);
                fatal = e instanceof Error;
            }
            out.println(REPLY + reply);
            if (fatal) {
                System.exit(3);
            }
        }
    }

    /**
     * @param deadline the time the whole case (loading, compiling and the run) may take, or null for none
     * @param received {@link System#nanoTime()} when the request arrived
     */
    static void runCase(Path modelFile, Path caseDir, boolean synthesize, long inputSeed, Duration deadline, long received) throws Exception {
        Model model = ModelFormats.reader("onnx").read(modelFile, ModelLoadOptions.defaults());
        try (Session s = Session.open(model, SessionOptions.builder().threads(1).build())) {
            List<Value> required = model.graph().requiredInputs();
            Map<String, RuntimeValue> feeds = new LinkedHashMap<>();
            Path data = caseDir == null ? null : caseDir.resolve("test_data_set_0");
            for (int i = 0; i < required.size(); i++) {
                Value v = required.get(i);
                Path file = data == null ? null : data.resolve("input_" + i + ".pb");
                RuntimeValue value = !synthesize && file != null && Files.isRegularFile(file)
                        ? OnnxTestCaseReader.readValue(file, v.type()) : synthesized(v.type());
                if (value != null) {
                    feeds.put(v.name(), value);
                }
            }
            if (inputSeed != 0) {
                extremeElement(feeds, new SplittableRandom(inputSeed));
            }
            // the run gets what loading and compiling left of the case's deadline (at least 1 ms: a late
            // case still ends as a typed timeout at the first check)
            RunOptions limits = deadline == null ? RunOptions.defaults()
                    : RunOptions.builder().timeout(Duration.ofNanos(Math.max(1_000_000, deadline.toNanos() - (System.nanoTime() - received)))).build();
            s.run(feeds, limits);
        }
    }

    private static final long[] EXTREMES = {-1, 0, -2, 1L << 16, 1L << 28, 50_000_000, 1L << 31, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE};

    private static void extremeElement(Map<String, RuntimeValue> feeds, SplittableRandom rng) {
        List<String> ints = feeds.entrySet().stream().filter(e -> e.getValue() instanceof Tensor t && t.elementCount() > 0
                && (t.dtype() == DType.INT64 || t.dtype() == DType.INT32)).map(Map.Entry::getKey).toList();
        if (ints.isEmpty()) {
            return;
        }
        String name = ints.get(rng.nextInt(ints.size()));
        Tensor t = (Tensor) feeds.get(name);
        long v = EXTREMES[rng.nextInt(EXTREMES.length)];
        int at = rng.nextInt((int) t.elementCount());
        if (t.dtype() == DType.INT64) {
            long[] d = t.longData().clone();
            d[at] = v;
            feeds.put(name, Tensor.of(d, t.dims()));
        } else {
            int[] d = t.intData().clone();
            d[at] = (int) v;
            feeds.put(name, Tensor.of(d, t.dims()));
        }
    }

    /** Loads the runtime's classes and kernels once, so that a case's time limit measures the case, not JVM start-up. */
    private static void warmUp() {
        Graph g = Graph.builder("warm-up").input("x", ValueType.tensor(DType.FLOAT, 2))
                .node(Node.builder("Relu").name("r").inputs("x").outputs("y").build())
                .output("y", ValueType.tensor(DType.FLOAT, 2)).build();
        try (Session s = Session.open(Model.builder(g).opset("", 13).build(), SessionOptions.builder().threads(1).build())) {
            s.run(Map.of("x", Tensor.of(new float[] {-1, 1}, 2)));
        }
    }

    /** A small tensor of the declared type (unknown dims are 1), or null for non-tensor types. */
    private static RuntimeValue synthesized(ValueType type) {
        if (!(type instanceof ValueType.TensorType t)) {
            return null;
        }
        Shape declared = t.shape();
        int rank = declared == null ? 1 : declared.rank();
        long[] dims = new long[rank];
        long count = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = declared != null && declared.isKnown(i) ? declared.dim(i) : 1;
            count = dims[i] <= 0 ? 0 : (count > MAX_SYNTH_ELEMENTS ? count : count * Math.min(dims[i], MAX_SYNTH_ELEMENTS + 1));
        }
        if (count > MAX_SYNTH_ELEMENTS) {
            // the model declares something huge: feed a small tensor and let input validation speak
            Arrays.fill(dims, 1);
        }
        return Tensor.zeros(t.elementType(), dims);
    }

    /** Names the first non-Kiln exception in the cause chain: a kernel failure a check should have caught. */
    private static String wrapped(Throwable e) {
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (!(c instanceof KilnException)) {
                return " (wrapping " + c.getClass().getName() + ")";
            }
        }
        return "";
    }

    private static String at(Throwable e) {
        StackTraceElement[] st = e.getStackTrace();
        for (StackTraceElement el : st) {
            if (el.getClassName().startsWith("dev.kiln")) {
                return " at " + el;
            }
        }
        return st.length > 0 ? " at " + st[0] : "";
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String one = s.replace('\n', ' ').replace('\t', ' ').replace('\r', ' ');
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }
}
