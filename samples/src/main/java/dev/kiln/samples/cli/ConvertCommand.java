package dev.kiln.samples.cli;

import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.ir.Model;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "convert", description = "Import an ONNX model into Kiln's IR and export it again, optionally at another opset.")
final class ConvertCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN.onnx")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT.onnx")
    Path out;

    @Option(names = "--opset", paramLabel = "N", description = "The ai.onnx opset to write; default: the model's own.")
    int opset;

    @Override
    public Integer call() throws Exception {
        CliFiles.requireFile(in, "model file");
        Model model = ModelFormats.reader("onnx").read(in, ModelLoadOptions.defaults());
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // Written beside the target and moved into place, so a failed export never leaves half a file.
        Path tmp = Files.createTempFile(dir, out.getFileName().toString(), ".part");
        try {
            try (OutputStream os = Files.newOutputStream(tmp)) {
                ModelFormats.writer("onnx").write(model, os, opset);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        int written = opset == 0 ? model.opsetVersion("") : opset;
        int nodes = model.graph().nodes().size();
        spec.commandLine().getOut().printf("wrote %s (ai.onnx opset %d, %d node%s)%n", out, written, nodes, nodes == 1 ? "" : "s");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
