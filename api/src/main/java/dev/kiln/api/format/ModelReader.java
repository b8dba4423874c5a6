package dev.kiln.api.format;

import dev.kiln.api.ModelLoadException;
import dev.kiln.api.Stable;
import dev.kiln.api.ir.Model;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a model format into Kiln's IR. Found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.kiln.api.format.ModelReader}). Thread-safe and stateless.
 * Every failure is a {@link ModelLoadException} whose message says what is wrong.
 */
@Stable
public interface ModelReader {
    /** Format name, e.g. {@code onnx}. */
    String format();

    /** True when the bytes (the start of a file) look like this format. */
    boolean canRead(byte[] header);

    /** Reads a complete model from bytes. */
    Model read(byte[] bytes, ModelLoadOptions options);

    /** Reads a model file; external data is resolved in the file's folder. */
    default Model read(Path path, ModelLoadOptions options) {
        byte[] bytes;
        try {
            long size = Files.size(path);
            // a protobuf message cannot exceed 2 GiB; reading a larger file would only exhaust the heap
            if (size > Integer.MAX_VALUE - 8) {
                throw new ModelLoadException("model file " + path + " is " + size + " bytes, more than a protobuf model can hold (2 GiB);"
                        + " larger models keep their weights in external data");
            }
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read model file " + path + ": " + e.getMessage(), e);
        }
        Path dir = path.toAbsolutePath().getParent();
        return read(bytes, options.baseDirectory() == null ? options.withBaseDirectory(dir) : options);
    }

    /** Reads a model from a stream, which is read to its end but not closed. */
    default Model read(InputStream in, ModelLoadOptions options) {
        try {
            return read(StreamBytes.readAll(in), options);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read model stream: " + e.getMessage(), e);
        }
    }
}
