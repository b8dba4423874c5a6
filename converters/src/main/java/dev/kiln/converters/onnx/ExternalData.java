package dev.kiln.converters.onnx;

import dev.kiln.api.ModelLoadException;
import dev.kiln.converters.proto.OnnxProto.StringStringEntryProto;
import dev.kiln.converters.proto.OnnxProto.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads tensor bytes stored beside a model (ONNX external data), confined to the model's folder.
 *
 * <p>Refused, each with a {@link ModelLoadException} naming the tensor and the path: no model folder
 * (model read from bytes), a missing or empty location, absolute paths, any {@code ..} component, a
 * path whose real location (symlinks resolved in every component) leaves the folder, files that are
 * not regular or have several hard links, malformed or negative offset/length, and a range past the
 * end of the file or of a length other than the tensor needs.
 */
final class ExternalData {
    private final Path base;

    /** @param base the model's folder, or null when external data must be refused */
    ExternalData(Path base) {
        this.base = base;
    }

    /** The {@code expectedBytes} bytes of tensor {@code what}'s external data. */
    byte[] read(TensorProto p, String what, long expectedBytes) {
        String location = null;
        String offsetText = null;
        String lengthText = null;
        for (StringStringEntryProto e : p.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offsetText = e.getValue();
                case "length" -> lengthText = e.getValue();
                default -> {
                    // checksum, basepath and unknown keys carry nothing we act on
                }
            }
        }
        if (location == null || location.isEmpty()) {
            throw new ModelLoadException(what + ": external data has no 'location'");
        }
        String where = what + ": external data file '" + location + "'";
        long offset = offsetText == null ? 0 : parseSize(offsetText, "offset", where);
        long length = lengthText == null ? -1 : parseSize(lengthText, "length", where);
        Path file = resolve(location, what);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            long len = length < 0 ? size - offset : length;
            if (offset > size || len < 0 || len > size - offset) {
                throw new ModelLoadException(where + ": offset " + offset + " + length " + len + " is past its end (" + size + " bytes)");
            }
            if (len != expectedBytes) {
                throw new ModelLoadException(where + ": holds " + len + " bytes, but the tensor's type and dims need " + expectedBytes);
            }
            ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(len));
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    throw new ModelLoadException(where + ": ended early (truncated while reading)");
                }
            }
            return buf.array();
        } catch (IOException e) {
            throw new ModelLoadException(where + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private Path resolve(String location, String what) {
        String where = what + ": external data location '" + location + "'";
        if (base == null) {
            throw new ModelLoadException(where + " cannot be resolved: the model was not read from a file, so it has no folder");
        }
        if (location.indexOf('\0') >= 0) {
            throw new ModelLoadException(where + " contains a NUL character");
        }
        Path rel;
        try {
            rel = base.getFileSystem().getPath(location);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ModelLoadException(where + " is not a valid path: " + e.getMessage(), e);
        }
        // a leading separator or drive letter is absolute on some platform even where Path disagrees
        if (rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\") || location.matches("^[A-Za-z]:.*")) {
            throw new ModelLoadException(where + " is an absolute path; only paths inside the model's folder are allowed");
        }
        for (Path part : rel) {
            if (part.toString().equals("..") || location.contains("..\\")) {
                throw new ModelLoadException(where + " contains '..'; only paths inside the model's folder are allowed");
            }
        }
        try {
            Path realBase = base.toRealPath();
            Path candidate = realBase.resolve(rel).normalize();
            if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                throw new ModelLoadException(where + " does not exist in the model's folder " + realBase);
            }
            Path real = candidate.toRealPath();
            if (!real.startsWith(realBase)) {
                throw new ModelLoadException(where + " resolves through a symbolic link to " + real + ", outside the model's folder " + realBase);
            }
            if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                throw new ModelLoadException(where + " is not a regular file");
            }
            Object links = linkCount(real);
            if (links instanceof Integer n && n > 1) {
                throw new ModelLoadException(where + " has " + n + " hard links; refused because it may alias a file outside the model's folder");
            }
            return real;
        } catch (IOException e) {
            throw new ModelLoadException(where + " cannot be resolved: " + e.getMessage(), e);
        }
    }

    private static Object linkCount(Path p) {
        try {
            return Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // file systems without unix attributes (Windows) cannot report hard links
            return null;
        }
    }

    private static long parseSize(String v, String key, String where) {
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new ModelLoadException(where + ": '" + key + "' is not a number: '" + v + "'", e);
        }
        if (n < 0) {
            throw new ModelLoadException(where + ": '" + key + "' is negative: " + v);
        }
        return n;
    }
}
