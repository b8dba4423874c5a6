package dev.kiln.api.format;

import dev.kiln.api.ModelLoadException;
import dev.kiln.api.Stable;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds {@link ModelReader}s and {@link ModelWriter}s on the class path. Thread-safe. */
@Stable
public final class ModelFormats {
    private ModelFormats() {
    }

    public static List<ModelReader> readers() {
        List<ModelReader> out = new ArrayList<>();
        ServiceLoader.load(ModelReader.class, ModelFormats.class.getClassLoader()).forEach(out::add);
        return out;
    }

    public static List<ModelWriter> writers() {
        List<ModelWriter> out = new ArrayList<>();
        ServiceLoader.load(ModelWriter.class, ModelFormats.class.getClassLoader()).forEach(out::add);
        return out;
    }

    /** The reader for a format name; throws {@link ModelLoadException} listing the known formats. */
    public static ModelReader reader(String format) {
        List<ModelReader> all = readers();
        for (ModelReader r : all) {
            if (r.format().equalsIgnoreCase(format)) {
                return r;
            }
        }
        throw new ModelLoadException("no reader for model format '" + format + "' (known: "
                + all.stream().map(ModelReader::format).toList() + "); is kiln-converters on the class path?");
    }

    /** The writer for a format name; throws {@link IllegalArgumentException} listing the known formats. */
    public static ModelWriter writer(String format) {
        List<ModelWriter> all = writers();
        for (ModelWriter w : all) {
            if (w.format().equalsIgnoreCase(format)) {
                return w;
            }
        }
        throw new IllegalArgumentException("no writer for model format '" + format + "' (known: "
                + all.stream().map(ModelWriter::format).toList() + ")");
    }
}
