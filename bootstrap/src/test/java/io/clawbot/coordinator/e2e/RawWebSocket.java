package io.clawbot.coordinator.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A WebSocket client that writes frames byte by byte, for what a well-behaved client library will not send: a text
 * frame that is not UTF-8. It reads what the tests need: the text of frames and the close code.
 */
final class RawWebSocket implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.socket.setSoTimeout(10_000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Opens a bot session with this token; fails unless the upgrade is accepted. */
    static RawWebSocket open(String token) throws IOException {
        int port = Integer.parseInt(System.getProperty("quarkus.http.test-port", "8081"));
        RawWebSocket ws = new RawWebSocket(new Socket("localhost", port));
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        ws.out.write(("GET /api/v1/ws/control HTTP/1.1\r\nHost: localhost:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(nonce) + "\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        ws.out.flush();
        String status = ws.readLine();
        if (!status.contains(" 101 ")) {
            throw new IOException("upgrade refused: " + status);
        }
        while (!ws.readLine().isEmpty()) {
            // the rest of the upgrade's headers
        }
        return ws;
    }

    /** Sends one masked text frame with these bytes, UTF-8 or not. */
    void sendText(byte[] payload) throws IOException {
        out.write(0x81);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else {
            out.write(0x80 | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xff);
        }
        byte[] mask = new byte[4];
        new SecureRandom().nextBytes(mask);
        out.write(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i % 4]);
        }
        out.flush();
    }

    /** The next text frame's text, or {@code "close:<code>"} for a close frame, or {@code "end"}. */
    String next() throws IOException {
        while (true) {
            int first = in.read();
            if (first < 0) {
                return "end";
            }
            int length = in.read() & 0x7f;
            if (length == 126) {
                length = (in.read() << 8) | in.read();
            } else if (length == 127) {
                long big = 0;
                for (int i = 0; i < 8; i++) {
                    big = (big << 8) | in.read();
                }
                length = (int) big;
            }
            byte[] payload = in.readNBytes(length);
            int opcode = first & 0x0f;
            if (opcode == 8) {
                return "close:" + (payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005);
            }
            if (opcode == 1) {
                return new String(payload, StandardCharsets.UTF_8);
            }
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
