package dev.kiln.samples.cli;

import dev.kiln.samples.Failures;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code kiln} command line. Every failure prints one line, {@code error: <message>}, to standard
 * error and exits non-zero (1 for a failed command, 2 for a usage mistake); {@code --verbose} adds the
 * stack trace.
 */
@Command(name = "kiln", mixinStandardHelpOptions = true, versionProvider = KilnCommand.Version.class, scope = ScopeType.INHERIT,
        description = "Run, convert and check ONNX models with Kiln.",
        subcommands = {RunCommand.class, ConvertCommand.class, InspectCommand.class, BackendsCommand.class,
                ConformanceCommand.class, BenchCommand.class, DemoCommand.class, QuickstartCommand.class,
                TrainMnistCommand.class, FinetuneMiniLmCommand.class, OperatorsCommand.class, FuzzCommand.class})
public final class KilnCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces with errors.")
    boolean verbose;

    public static void main(String[] args) {
        int code;
        try {
            code = commandLine().execute(args);
        } catch (Throwable t) {
            // picocli passes Errors (out of memory, stack overflow) through; they still get the one-line form.
            System.err.println("error: " + Failures.oneLine(t));
            if (java.util.Arrays.asList(args).contains("--verbose")) {
                t.printStackTrace();
            }
            code = 1;
        }
        System.exit(code);
    }

    /** The configured command line; tests call {@code execute} on it with their own out and err writers. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new KilnCommand());
        cl.addSubcommand("spark-demo", sparkDemo());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            cmd.getErr().println("error: " + Failures.oneLine(ex));
            if (verboseRequested(parseResult)) {
                ex.printStackTrace(cmd.getErr());
            }
            cmd.getErr().flush();
            return 1;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            String message = ex.getMessage() == null ? "invalid arguments" : ex.getMessage().strip().lines().findFirst().orElse("");
            cmd.getErr().println("error: " + message + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            cmd.getErr().flush();
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cl;
    }

    /**
     * kiln.jar leaves Spark out (it is {@code provided}), and picocli reads a command's fields when it is
     * registered, so the Spark demo is registered by name only where Spark's classes are present; elsewhere
     * the name answers with how to run it.
     */
    private static Object sparkDemo() {
        try {
            Class.forName("org.apache.spark.sql.SparkSession", false, KilnCommand.class.getClassLoader());
            var demo = Class.forName("dev.kiln.samples.cli.SparkDemoCommand").getDeclaredConstructor();
            demo.setAccessible(true);
            return demo.newInstance();
        } catch (ClassNotFoundException e) {
            return new SparkMissing();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create the spark-demo command: " + e, e);
        }
    }

    /** Stands for {@code spark-demo} where Spark is not on the class path. */
    @Command(name = "spark-demo", description = "MiniLM batch embedding and a 2-worker fine-tune on Spark (run it through scripts/spark-demo.sh).")
    static final class SparkMissing implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("spark-demo needs Apache Spark on the class path, which kiln.jar leaves out; "
                    + "run it with scripts/spark-demo.sh");
        }
    }

    private static boolean verboseRequested(ParseResult result) {
        for (ParseResult r = result; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** The version from the jar manifest, which the build writes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = KilnCommand.class.getPackage().getImplementationVersion();
            return new String[] {"kiln " + (v == null ? "(development build)" : v)};
        }
    }
}
