package dev.kiln.samples.cli;

import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.ir.Model;
import dev.kiln.converters.onnx.OnnxModelWriter;
import dev.kiln.converters.onnx.adapters.OpForms;
import dev.kiln.converters.proto.OnnxProto.ModelProto;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "convert", description = {"Import an ONNX model into Kiln's IR and export it again, by default at the model's own ai.onnx "
        + "opset, or at the one --opset names, in that opset's op forms.",
        "A node the target opset cannot express (an op it lacks, an attribute value, input or element type its form lacks) "
        + "is an error naming the node, the op and the opset; nothing is dropped."})
final class ConvertCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN.onnx")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT.onnx")
    Path out;

    @Option(names = "--opset", paramLabel = "N", description = "The ai.onnx opset to write (1-" + OpForms.LATEST + "); default: the "
            + "model's own, or the lowest newer one that can express every node.")
    int opset;

    @Override
    public Integer call() throws Exception {
        CliFiles.requireFile(in, "model file");
        if (opset < 0 || opset > OpForms.LATEST) {
            throw new ParameterException(spec.commandLine(), "--opset must be between 1 and " + OpForms.LATEST + ", got " + opset);
        }
        Model model = ModelFormats.reader("onnx").read(in, ModelLoadOptions.defaults());
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // Written beside the target and moved into place, so a failed export never leaves half a file.
        Path tmp = Files.createTempFile(dir, out.getFileName().toString(), ".part");
        long writtenOpset;
        try {
            ModelProto written = new OnnxModelWriter().toProto(model, opset);
            try (OutputStream os = Files.newOutputStream(tmp)) {
                written.writeTo(os);
            }
            writtenOpset = written.getOpsetImport(0).getVersion();
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        int nodes = model.graph().nodes().size();
        spec.commandLine().getOut().printf("wrote %s (ai.onnx opset %d, %d node%s)%n", out, writtenOpset, nodes, nodes == 1 ? "" : "s");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
