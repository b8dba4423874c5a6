package dev.kiln.samples.cli;

import dev.kiln.runtime.backend.BackendRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "operators", description = "Print the operator reference (docs/operators.md) as a markdown table: each op, the opsets "
        + "the importer accepts, element types, the backends that run it, and whether it has a gradient rule.")
final class OperatorsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the table to FILE instead of standard output.")
    Path output;

    @Override
    public Integer call() throws Exception {
        String md = OperatorTable.markdown(BackendRegistry.defaultRegistry());
        if (output == null) {
            spec.commandLine().getOut().print(md);
            spec.commandLine().getOut().flush();
        } else {
            Path dir = output.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Files.writeString(output, md, StandardCharsets.UTF_8);
            spec.commandLine().getOut().printf("wrote %s%n", output);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
