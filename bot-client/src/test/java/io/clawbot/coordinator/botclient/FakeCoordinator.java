package io.clawbot.coordinator.botclient;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A minimal RFC 6455 server standing in for the coordinator, so that the client's session handling can be tested
 * without the real one: it upgrades (or refuses) connections, records every text frame a client sends, answers
 * pings and closes, and lets the test send frames, fragmented frames, close codes, or drop the TCP connection.
 */
final class FakeCoordinator implements AutoCloseable {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final ServerSocket server;
    private final BlockingQueue<Session> sessions = new LinkedBlockingQueue<>();
    private final List<Session> all = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    /** HTTP status to refuse upgrades with; 0 to accept them. */
    volatile int refuseWith;
    /** Upgrade requests seen, refused ones included. */
    final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();

    FakeCoordinator() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "fake-coordinator-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/api/v1/ws/control");
    }

    /** The next session a client opens (upgraded ones only). */
    Session nextSession(Duration timeout) throws InterruptedException {
        Session session = sessions.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (session == null) {
            throw new AssertionError("no session within " + timeout);
        }
        return session;
    }

    /** The next session, greeted with a {@code connected} frame as the coordinator would. */
    Session nextConnected(int slots) throws InterruptedException {
        Session session = nextSession(Duration.ofSeconds(10));
        session.sendConnected(slots);
        return session;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Session session : all) {
            session.drop();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread handshake = new Thread(() -> handshake(socket), "fake-coordinator-session");
                handshake.setDaemon(true);
                handshake.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handshake(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            Map<String, String> headers = readRequestHeaders(in);
            requests.add(headers);
            OutputStream out = socket.getOutputStream();
            int refuse = refuseWith;
            if (refuse != 0) {
                out.write(("HTTP/1.1 " + refuse + " Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                socket.close();
                return;
            }
            String accept = Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("SHA-1")
                            .digest((headers.get("sec-websocket-key") + GUID).getBytes(StandardCharsets.US_ASCII)));
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Session session = new Session(socket, headers);
            all.add(session);
            sessions.add(session);
            session.readLoop();
        } catch (IOException | NoSuchAlgorithmException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Already broken.
            }
        }
    }

    private static Map<String, String> readRequestHeaders(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("request ended early");
            }
            head.write(b);
        }
        String[] lines = head.toString(StandardCharsets.US_ASCII).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":request-line", lines[0]);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        return headers;
    }

    /** One upgraded connection. */
    static final class Session {
        final Map<String, String> headers;
        private final Socket socket;
        private final OutputStream out;
        /** Whole text messages from the client, in order. */
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        /** Every text message ever received, for assertions about absence. */
        final List<String> history = new CopyOnWriteArrayList<>();
        /** The close code the client sent, or -1. */
        volatile int clientCloseCode = -1;
        volatile boolean closedByClient;
        /** Answer each heartbeat with heartbeat_ack, as the coordinator does; false plays a hung server. */
        volatile boolean answerHeartbeats = true;

        Session(Socket socket, Map<String, String> headers) throws IOException {
            this.socket = socket;
            this.headers = headers;
            this.out = socket.getOutputStream();
        }

        void sendConnected(int slots) {
            sendConnected(slots, 10);
        }

        void sendConnected(int slots, int ackTimeoutSeconds) {
            send("connected", Map.of("bot_id", "bot-1", "protocol_version", 1, "heartbeat_interval_seconds", 30,
                    "ack_timeout_seconds", ackTimeoutSeconds, "lease_seconds", 60, "slots", slots));
        }

        void send(String type, Map<String, Object> payload) {
            sendText(Frames.encode(type, payload));
        }

        void sendText(String text) {
            writeFrame(true, 0x1, text.getBytes(StandardCharsets.UTF_8));
        }

        /** Sends one text message split into {@code parts} frames (a text frame, then continuations). */
        void sendFragmented(String text, int parts) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            int size = (bytes.length + parts - 1) / parts;
            for (int i = 0, offset = 0; offset < bytes.length; i++, offset += size) {
                int end = Math.min(bytes.length, offset + size);
                byte[] piece = java.util.Arrays.copyOfRange(bytes, offset, end);
                writeFrame(end == bytes.length, i == 0 ? 0x1 : 0x0, piece);
            }
        }

        void sendClose(int code, String reason) {
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            ByteBuffer body = ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text);
            writeFrame(true, 0x8, body.array());
        }

        /** Breaks the TCP connection without a close frame, as a crashed server or a lost network would. */
        void drop() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Already closed.
            }
        }

        /** The next frame of {@code type}, skipping others (heartbeats, say); fails after a timeout. */
        Frames.Frame await(String type, Duration timeout) throws InterruptedException {
            return await(frame -> frame.type().equals(type), timeout, type);
        }

        Frames.Frame await(Predicate<Frames.Frame> wanted, Duration timeout, String what)
                throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<String> skipped = new ArrayList<>();
            while (true) {
                long left = deadline - System.nanoTime();
                String text = received.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
                if (text == null) {
                    throw new AssertionError("no " + what + " within " + timeout + "; skipped " + skipped);
                }
                Frames.Frame frame = Frames.decode(text);
                if (wanted.test(frame)) {
                    return frame;
                }
                skipped.add(text);
            }
        }

        /** The frames of {@code type} received so far. */
        List<Frames.Frame> sentOfType(String type) {
            return history.stream().map(Frames::decode).filter(f -> f.type().equals(type)).toList();
        }

        /** Whether any received text so far is a frame of {@code type}. */
        boolean sawType(String type) {
            return history.stream().anyMatch(text -> Frames.decode(text).type().equals(type));
        }

        private synchronized void writeFrame(boolean fin, int opcode, byte[] data) {
            try {
                ByteArrayOutputStream frame = new ByteArrayOutputStream();
                frame.write((fin ? 0x80 : 0) | opcode);
                if (data.length < 126) {
                    frame.write(data.length);
                } else if (data.length < 65536) {
                    frame.write(126);
                    frame.write(data.length >>> 8);
                    frame.write(data.length & 0xff);
                } else {
                    frame.write(127);
                    frame.write(ByteBuffer.allocate(8).putLong(data.length).array());
                }
                frame.write(data);
                out.write(frame.toByteArray());
                out.flush();
            } catch (IOException e) {
                throw new AssertionError("cannot write to the client: " + e, e);
            }
        }

        void readLoop() {
            try {
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream message = new ByteArrayOutputStream();
                while (true) {
                    int b0 = readByte(in);
                    int b1 = readByte(in);
                    boolean fin = (b0 & 0x80) != 0;
                    int opcode = b0 & 0x0f;
                    if ((b1 & 0x80) == 0) {
                        throw new AssertionError("client frames must be masked (RFC 6455 5.1)");
                    }
                    long length = b1 & 0x7f;
                    if (length == 126) {
                        length = (readByte(in) << 8) | readByte(in);
                    } else if (length == 127) {
                        length = ByteBuffer.wrap(in.readNBytes(8)).getLong();
                    }
                    byte[] mask = in.readNBytes(4);
                    byte[] data = in.readNBytes((int) length);
                    if (data.length != length) {
                        throw new EOFException();
                    }
                    for (int i = 0; i < data.length; i++) {
                        data[i] ^= mask[i % 4];
                    }
                    switch (opcode) {
                        case 0x0, 0x1 -> {
                            message.write(data);
                            if (fin) {
                                String text = message.toString(StandardCharsets.UTF_8);
                                message.reset();
                                history.add(text);
                                received.add(text);
                                if (answerHeartbeats && text.contains("\"heartbeat\"")
                                        && Frames.decode(text).type().equals("heartbeat")) {
                                    send("heartbeat_ack", Map.of("server_time", "2030-01-01T00:00:00Z"));
                                }
                            }
                        }
                        case 0x8 -> {
                            clientCloseCode = data.length >= 2 ? ((data[0] & 0xff) << 8) | (data[1] & 0xff) : 1005;
                            closedByClient = true;
                            writeFrame(true, 0x8, java.util.Arrays.copyOf(data, Math.min(2, data.length)));
                            socket.close();
                            return;
                        }
                        case 0x9 -> writeFrame(true, 0xA, data);
                        default -> {
                            // Pongs and binary frames are not part of the protocol; ignore them.
                        }
                    }
                }
            } catch (IOException | AssertionError e) {
                drop();
            }
        }

        private static int readByte(InputStream in) throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            return b;
        }

        boolean isOpen() {
            return !socket.isClosed();
        }

        @Override
        public String toString() {
            return "session " + headers.get(":request-line");
        }

    }
}
