package dev.kiln.spark.comm;

/**
 * A collective over the workers of one data-parallel job: each of {@link #size()} ranks calls the same
 * operations in the same order. The TCP ring ({@link TcpRingTransport}) implements it; an NCCL or
 * shared-memory transport could, without the trainer changing.
 *
 * <p>One thread per rank drives a transport; it is not thread-safe. {@link #close()} releases its
 * connections, after which the peers' pending operations fail instead of waiting.
 */
public interface Transport extends AutoCloseable {
    int rank();

    int size();

    /**
     * Replaces {@code data} on every rank with the element-wise sum over all ranks of their {@code data};
     * every rank passes an array of the same length. Throws {@link java.io.UncheckedIOException} when a
     * peer is gone.
     */
    void allReduceSum(float[] data);

    @Override
    void close();
}
