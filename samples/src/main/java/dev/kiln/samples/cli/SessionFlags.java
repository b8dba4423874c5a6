package dev.kiln.samples.cli;

import dev.kiln.runtime.session.SessionOptions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every command that opens a session shares. */
final class SessionFlags {
    @Option(names = {"--backend", "--backends"}, paramLabel = "ID", split = ",",
            description = "Backends to use, in order of preference (repeat or separate with commas); default: every available one.")
    List<String> backends = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "T", description = "Threads a backend may use; default: one per core.")
    Integer threads;

    @Option(names = "--no-optimize", description = "Run the graph as written: no fusion into dev.kiln ops (which only some backends run).")
    boolean noOptimize;

    SessionOptions toOptions() {
        SessionOptions.Builder b = SessionOptions.builder().optimize(!noOptimize);
        if (threads != null) {
            b.threads(threads);
        }
        if (!backends.isEmpty()) {
            b.backends(backends);
        }
        return b.build();
    }
}
