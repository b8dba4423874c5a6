package dev.kiln.api.format;

import dev.kiln.api.Stable;
import dev.kiln.api.ir.Model;
import java.io.OutputStream;

/**
 * Writes Kiln's IR in a model format. Found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.kiln.api.format.ModelWriter}). Thread-safe and stateless.
 */
@Stable
public interface ModelWriter {
    String format();

    /**
     * Writes the model; the stream is flushed but not closed. Throws {@link dev.kiln.api.KilnException}
     * naming the op when the target opset cannot express a node: nothing is dropped silently.
     *
     * @param targetOpset the ai.onnx opset to write, or 0 for the model's own
     */
    void write(Model model, OutputStream out, int targetOpset);

    /** The model's bytes in this format, at the model's own opset. */
    default byte[] toBytes(Model model) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        write(model, b, 0);
        return b.toByteArray();
    }
}
