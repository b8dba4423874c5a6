package dev.kiln.spark.comm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Ring all-reduce over plain TCP: rank r sends to rank r+1 and receives from rank r-1. A sum is a
 * reduce-scatter ({@code P-1} steps, each moving one {@code 1/P} segment) then an all-gather (as many
 * again), so each rank sends {@code 2(P-1)/P} of the payload whatever P is. Within a step the send runs
 * on a helper thread while this thread receives and adds, in slices of {@value #SLICE} bytes, so sockets
 * never fill up in both directions at once.
 *
 * <p>Life cycle: {@link #listen} binds a port and tells its address, the caller exchanges the addresses
 * out of band (Spark's {@code allGather}), then {@link #connect} makes the ring. Not thread-safe.
 */
public final class TcpRingTransport implements Transport {
    static final int SLICE = 1 << 20;
    private final int rank;
    private final int size;
    private final ServerSocketChannel server;
    private SocketChannel next;
    private SocketChannel previous;
    private final ExecutorService sender;
    private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(SLICE).order(ByteOrder.nativeOrder());
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(SLICE).order(ByteOrder.nativeOrder());
    // views made once over the whole buffers: a view made later would cover only the bytes then remaining
    private final FloatBuffer sendView = sendBuffer.asFloatBuffer();
    private final FloatBuffer receiveView = receiveBuffer.asFloatBuffer();

    private TcpRingTransport(int rank, int size, ServerSocketChannel server) {
        this.rank = rank;
        this.size = size;
        this.server = server;
        this.sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kiln-ring-send-" + rank);
            t.setDaemon(true);
            return t;
        });
    }

    /** Binds an ephemeral port on {@code host}; {@link #address()} is what the peers need. */
    public static TcpRingTransport listen(int rank, int size, String host) {
        if (size < 1 || rank < 0 || rank >= size) {
            throw new IllegalArgumentException("rank " + rank + " of " + size + ": expected 0 <= rank < size");
        }
        try {
            ServerSocketChannel s = ServerSocketChannel.open();
            s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return new TcpRingTransport(rank, size, s);
        } catch (IOException e) {
            throw new UncheckedIOException("rank " + rank + ": cannot listen on " + host, e);
        }
    }

    /** "host:port" of this rank's listening socket. */
    public String address() {
        try {
            InetSocketAddress a = (InetSocketAddress) server.getLocalAddress();
            return a.getHostString() + ":" + a.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects to the next rank and accepts the previous one; {@code addresses} is indexed by rank. */
    public TcpRingTransport connect(List<String> addresses) {
        if (addresses.size() != size) {
            throw new IllegalArgumentException("expected " + size + " addresses, got " + addresses);
        }
        if (size == 1) {
            return this;
        }
        String to = addresses.get((rank + 1) % size);
        int colon = to.lastIndexOf(':');
        try {
            // connecting first cannot deadlock: the peer's listen backlog accepts before its accept() runs
            next = SocketChannel.open(new InetSocketAddress(to.substring(0, colon), Integer.parseInt(to.substring(colon + 1))));
            next.setOption(StandardSocketOptions.TCP_NODELAY, true);
            previous = server.accept();
            previous.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return this;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("rank " + rank + ": cannot form the ring (next rank at " + to + ")", e);
        }
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void allReduceSum(float[] data) {
        if (size == 1) {
            return;
        }
        for (int k = 0; k < size - 1; k++) {
            exchange(data, Math.floorMod(rank - k, size), Math.floorMod(rank - k - 1, size), true);
        }
        for (int k = 0; k < size - 1; k++) {
            exchange(data, Math.floorMod(rank + 1 - k, size), Math.floorMod(rank - k, size), false);
        }
    }

    /** Sends segment {@code out} to the next rank while receiving segment {@code in} (adding or copying). */
    private void exchange(float[] data, int out, int in, boolean add) {
        Future<?> sent = sender.submit(() -> {
            try {
                send(data, start(data.length, out), start(data.length, out + 1));
            } catch (IOException | RuntimeException e) {
                close(); // unblocks this rank's receive, and the peers see the ring end
                throw e;
            }
            return null;
        });
        try {
            receive(data, start(data.length, in), start(data.length, in + 1), add);
            sent.get();
        } catch (IOException e) {
            close(); // so the neighbours fail too rather than wait on this rank
            throw new UncheckedIOException("rank " + rank + ": the ring broke (a peer is gone?)", e);
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("rank " + rank + ": interrupted in all-reduce", e);
        } catch (ExecutionException e) {
            close();
            throw new UncheckedIOException("rank " + rank + ": sending to the next rank failed", e.getCause() instanceof IOException io
                    ? io : new IOException(e.getCause()));
        }
    }

    private int start(int n, int segment) {
        return (int) ((long) n * segment / size);
    }

    private void send(float[] data, int from, int to) throws IOException {
        FloatBuffer view = sendView;
        for (int at = from; at < to; ) {
            int count = Math.min(to - at, SLICE / Float.BYTES);
            view.clear();
            view.put(data, at, count);
            sendBuffer.clear().limit(count * Float.BYTES);
            while (sendBuffer.hasRemaining()) {
                next.write(sendBuffer);
            }
            at += count;
        }
    }

    private void receive(float[] data, int from, int to, boolean add) throws IOException {
        FloatBuffer view = receiveView;
        float[] slice = add ? new float[Math.min(to - from, SLICE / Float.BYTES)] : null;
        for (int at = from; at < to; ) {
            int count = Math.min(to - at, SLICE / Float.BYTES);
            receiveBuffer.clear().limit(count * Float.BYTES);
            while (receiveBuffer.hasRemaining()) {
                if (previous.read(receiveBuffer) < 0) {
                    throw new IOException("rank " + ((rank - 1 + size) % size) + " closed the connection");
                }
            }
            view.clear();
            if (add) {
                view.get(slice, 0, count);
                for (int i = 0; i < count; i++) {
                    data[at + i] += slice[i];
                }
            } else {
                view.get(data, at, count);
            }
            at += count;
        }
    }

    @Override
    public void close() {
        sender.shutdownNow();
        for (AutoCloseable c : new AutoCloseable[] {next, previous, server}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing is best effort: the peers see the connection end either way
            }
        }
    }
}
