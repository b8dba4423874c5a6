package dev.kiln.runtime.session;

import dev.kiln.api.format.ModelFormats;
import dev.kiln.api.format.ModelLoadOptions;
import dev.kiln.api.ir.Model;
import dev.kiln.runtime.backend.BackendRegistry;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Opens {@link Session}s with the backends of one {@link BackendRegistry}; what Guice injects (see
 * {@link dev.kiln.runtime.inject.KilnModule}). Models are read with the {@code onnx} reader found through
 * {@link ModelFormats}, so kiln-converters must be on the class path for the path, byte and stream forms.
 * Immutable and thread-safe; the caller owns and closes each session.
 */
public final class SessionFactory {
    private static final String FORMAT = "onnx";

    private final BackendRegistry registry;

    @Inject
    public SessionFactory(BackendRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    public BackendRegistry registry() {
        return registry;
    }

    public Session open(Path modelFile) {
        return open(modelFile, SessionOptions.defaults());
    }

    public Session open(Path modelFile, SessionOptions options) {
        Objects.requireNonNull(modelFile, "modelFile");
        Model model = ModelFormats.reader(FORMAT).read(modelFile, loadOptions(options));
        return open(model, options);
    }

    public Session open(byte[] modelBytes, SessionOptions options) {
        Objects.requireNonNull(modelBytes, "modelBytes");
        return open(ModelFormats.reader(FORMAT).read(modelBytes, loadOptions(options)), options);
    }

    public Session open(InputStream modelStream, SessionOptions options) {
        Objects.requireNonNull(modelStream, "modelStream");
        return open(ModelFormats.reader(FORMAT).read(modelStream, loadOptions(options)), options);
    }

    public Session open(Model model, SessionOptions options) {
        return Session.create(model, options, registry);
    }

    private static ModelLoadOptions loadOptions(SessionOptions options) {
        return Objects.requireNonNull(options, "options").modelLoadOptions();
    }
}
