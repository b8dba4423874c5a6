package dev.kiln.samples.cli;

import dev.kiln.api.KilnException;
import dev.kiln.api.ir.Value;
import dev.kiln.api.ir.ValueType;
import dev.kiln.api.tensor.OptionalValue;
import dev.kiln.api.tensor.RuntimeValue;
import dev.kiln.api.tensor.Tensor;
import dev.kiln.api.tensor.TensorSequence;
import dev.kiln.converters.onnx.TensorProtos;
import dev.kiln.converters.testdata.OnnxTestCaseReader;
import dev.kiln.runtime.session.Session;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "run", description = "Run a model on inputs stored as TensorProto files; print each output's name and shape.")
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The .onnx model file.")
    Path model;

    @Option(names = "--input", paramLabel = "NAME=FILE.pb", description = "A graph input and the TensorProto file holding its value (repeat per input).")
    Map<String, Path> inputs = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Write each output as DIR/NAME.pb (a TensorProto).")
    Path out;

    @Mixin
    SessionFlags session;

    @Override
    public Integer call() throws Exception {
        CliFiles.requireFile(model, "model file");
        PrintWriter w = spec.commandLine().getOut();
        try (Session s = Session.open(model, session.toOptions())) {
            Map<String, ValueType> types = new HashMap<>();
            s.inputs().forEach(v -> types.put(v.name(), v.type()));
            Map<String, RuntimeValue> feeds = new LinkedHashMap<>();
            for (Map.Entry<String, Path> e : inputs.entrySet()) {
                Path file = CliFiles.requireFile(e.getValue(), "input file for '" + e.getKey() + "'");
                // The model's declared type says whether the file holds a TensorProto, SequenceProto or OptionalProto.
                feeds.put(e.getKey(), OnnxTestCaseReader.readValue(file, types.get(e.getKey())));
            }
            Map<String, RuntimeValue> results = s.run(feeds);
            if (out != null) {
                Files.createDirectories(out);
            }
            for (Value v : s.outputs()) {
                RuntimeValue r = results.get(v.name());
                w.println(v.name() + ": " + r.describe());
                if (out != null) {
                    Files.write(out.resolve(CliFiles.fileNameFor(v.name()) + ".pb"), proto(v.name(), r));
                }
            }
            if (out != null) {
                w.println("wrote " + s.outputs().size() + (s.outputs().size() == 1 ? " file" : " files") + " to " + out.toAbsolutePath().normalize());
            }
        }
        w.flush();
        return 0;
    }

    private static byte[] proto(String name, RuntimeValue v) {
        if (v instanceof Tensor t) {
            return TensorProtos.toProto(t, name).toByteArray();
        }
        if (v instanceof TensorSequence seq) {
            return TensorProtos.toProto(seq, name).toByteArray();
        }
        if (v instanceof OptionalValue o) {
            return TensorProtos.toProto(o, name).toByteArray();
        }
        throw new KilnException("output '" + name + "' is " + v.describe() + ", which has no TensorProto form to write");
    }
}
