package dev.kiln.samples.cli;

import dev.kiln.runtime.backend.BackendRegistry;
import dev.kiln.runtime.backend.ProviderStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "backends", description = "List the backends found on the class path: id, priority, and whether each can run here.")
final class BackendsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<ProviderStatus> providers = BackendRegistry.defaultRegistry().providers();
        PrintWriter w = spec.commandLine().getOut();
        providers.forEach(p -> w.println(p.describe()));
        if (providers.isEmpty()) {
            w.println("no backends found; put kiln-backend-cpu on the class path");
        }
        w.flush();
        return 0;
    }
}
