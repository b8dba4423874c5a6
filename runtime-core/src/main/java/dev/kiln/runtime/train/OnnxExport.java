package dev.kiln.runtime.train;

import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.ir.Graph;
import dev.kiln.api.ir.Model;
import dev.kiln.api.ir.Value;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Turns a trainer's network into an ONNX inference model: the inference form of every layer (no
 * training-only nodes: Dropout is absent, BatchNormalization runs on its running statistics), trained
 * weights as initializers, and provenance in metadata_props (producer, optimizer, losses, steps, epochs,
 * seed, time). Writing goes through the ONNX {@link dev.kiln.api.format.ModelWriter} found on the class
 * path (the converters module). Stateless.
 */
public final class OnnxExport {
    private OnnxExport() {
    }

    static Model inferenceModel(Trainer trainer, Map<String, String> extraMetadata) {
        Graph inference = TrainingGraphs.inference(trainer.network(), trainer.parameters()).graph();
        Graph.Builder g = inference.toBuilder().clearInputs();
        for (Value v : inference.inputs()) {
            if (!trainer.parameters().contains(v.name())) {
                g.input(v);
            }
        }
        trainer.parameters().all().forEach(g::initializer);
        Model.Builder m = Model.builder(g.build()).opset("", TrainingGraphs.OPSET).irVersion(10).producer("kiln", "0.1.0")
                .docString("Trained with Kiln; inference graph exported by dev.kiln.runtime.train.OnnxExport")
                .metadata("kiln.optimizer", trainer.optimizer().opType() + " (" + trainer.optimizer().domain() + "), lr="
                        + trainer.optimizer().learningRate())
                .metadata("kiln.losses", String.join(",", trainer.network().heads().stream()
                        .map(h -> h.output() + ":" + h.loss().name() + "*" + h.weight()).toList()))
                .metadata("kiln.steps", Long.toString(trainer.step()))
                .metadata("kiln.epochs", Integer.toString(trainer.epoch()))
                .metadata("kiln.seed", Long.toString(trainer.seed()))
                .metadata("kiln.parameters", Long.toString(trainer.parameters().trainableCount()))
                .metadata("kiln.exported_at", Instant.now().toString());
        extraMetadata.forEach(m::metadata);
        return m.build();
    }

    /** Writes the model as ONNX protobuf bytes. */
    public static byte[] toBytes(Model model) {
        return ModelFormats.writer("onnx").toBytes(model);
    }

    /** Writes the model to {@code file} as ONNX. */
    public static void write(Model model, Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            ModelFormats.writer("onnx").write(model, out, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
