package dev.kiln.samples.cli;

import dev.kiln.api.KilnException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks on paths given on the command line, so a typo reads "model file not found: x" rather than a stack trace. */
final class CliFiles {
    private CliFiles() {
    }

    static Path requireFile(Path p, String what) {
        if (!Files.exists(p)) {
            throw new KilnException(what + " not found: " + p);
        }
        if (!Files.isRegularFile(p)) {
            throw new KilnException(what + " is not a file: " + p);
        }
        return p;
    }

    static Path requireFolder(Path p, String what) {
        if (!Files.isDirectory(p)) {
            throw new KilnException(what + " not found or not a folder: " + p);
        }
        return p;
    }

    /** A file name for a graph value: characters a file system may reject become underscores. */
    static String fileNameFor(String valueName) {
        String s = valueName.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
    }
}
