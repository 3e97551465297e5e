package io.clawbot.coordinator.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a free loopback port in front of one loopback port, playing the network between a client and a
 * server: it forwards bytes as they come, or holds the server's replies back for a while (a slow link), or stops
 * forwarding altogether while keeping every connection open (a cut cable: nothing is refused or reset, the bytes
 * simply do not arrive until the link is back, as TCP's retransmissions would deliver them).
 *
 * <p>
 * Each direction of a connection is two threads: a reader that takes chunks off one socket and stamps them with the
 * time they are due, and a writer that hands them on in order once due and while the link is up. A cut therefore
 * also stops the reader once its queue has taken {@value #HELD_CHUNKS} chunks, so that the sender's socket
 * buffers fill as they would on a real cut.
 */
final class LoopbackProxy implements AutoCloseable {

    private static final int HELD_CHUNKS = 64;

    private final int target;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object link = new Object();
    private volatile boolean cut;
    private final AtomicLong replyDelayNanos = new AtomicLong();
    private volatile boolean closed;

    LoopbackProxy(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("proxy-accept-" + target).start(this::accept);
    }

    /** The port clients connect to instead of the target's. */
    int port() {
        return server.getLocalPort();
    }

    /** Forwards everything as it comes, delivering what a cut held back. */
    void forward() {
        replyDelayNanos.set(0);
        synchronized (link) {
            cut = false;
            link.notifyAll();
        }
    }

    /** Holds each chunk the server sends back for this long before the client gets it (requests go at once). */
    void delayReplies(Duration delay) {
        replyDelayNanos.set(delay.toNanos());
    }

    /** Stops forwarding in both directions; every connection stays open, new ones are accepted but hear nothing. */
    void cut() {
        synchronized (link) {
            cut = true;
        }
    }

    /** Connections through the proxy so far (each counted once, whether or not still open). */
    int connections() {
        return sockets.size() / 2;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, false);
                pump(upstream, client, true);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("proxy to port " + target + ": " + e.getMessage());
                }
            }
        }
    }

    private record Chunk(byte[] bytes, long dueNanos) {
    }

    /** Moves bytes from one socket to the other; {@code reply}: from the server towards the client. */
    private void pump(Socket from, Socket to, boolean reply) {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>(HELD_CHUNKS);
        Chunk end = new Chunk(new byte[0], 0);
        String name = "proxy-" + target + (reply ? "-reply-" : "-request-") + from.getPort();
        Thread.ofPlatform().daemon().name(name + "-read").start(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    long delay = reply ? replyDelayNanos.get() : 0;
                    queue.put(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + delay));
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended; the writer closes the other side once what was read is delivered
            }
            try {
                queue.put(end);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.ofPlatform().daemon().name(name + "-write").start(() -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Chunk chunk = queue.take();
                    if (chunk == end) {
                        break;
                    }
                    long wait = chunk.dueNanos() - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    awaitLink();
                    out.write(chunk.bytes());
                    out.flush();
                }
                to.shutdownOutput();
            } catch (SocketException e) {
                closeQuietly(from);
            } catch (IOException | InterruptedException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
    }

    private void awaitLink() throws InterruptedException {
        synchronized (link) {
            while (cut && !closed) {
                link.wait(100);
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        forward();
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        sockets.forEach(LoopbackProxy::closeQuietly);
    }
}
