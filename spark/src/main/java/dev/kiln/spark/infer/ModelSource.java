package dev.kiln.spark.infer;

import dev.kiln.runtime.session.Session;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;

/**
 * Where executors get the model: broadcast bytes (small models) or a path every executor reads (large
 * ones), keyed by the model's SHA-256. {@link #session()} keeps one session per model per executor JVM,
 * shared by all its tasks (sessions run concurrently), and counts each load in an accumulator. Sessions
 * live as long as the executor.
 */
final class ModelSource implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Session> SESSIONS = new ConcurrentHashMap<>();
    private final String sha256;
    private final Broadcast<byte[]> bytes;
    private final String path;
    private final LongAccumulator loads;

    ModelSource(String sha256, Broadcast<byte[]> bytes, String path, LongAccumulator loads) {
        this.sha256 = sha256;
        this.bytes = bytes;
        this.path = path;
        this.loads = loads;
    }

    Session session() {
        return SESSIONS.computeIfAbsent(sha256, h -> {
            loads.add(1);
            return bytes != null ? Session.open(bytes.value(), dev.kiln.runtime.session.SessionOptions.defaults())
                    : Session.open(Path.of(path));
        });
    }

    String sha256() {
        return sha256;
    }
}
