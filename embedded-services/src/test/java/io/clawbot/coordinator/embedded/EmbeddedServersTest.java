package io.clawbot.coordinator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedServersTest {

    @TempDir
    Path dir;

    @Test
    void postgres_keeps_its_data_across_a_restart() {
        Path data = dir.resolve("postgres");
        int port = FreePort.find();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data, port)) {
            pg.createDatabase("survivor");
            pg.execute("survivor", "create table notes (body text); insert into notes values ('kept')");
        }
        try (EmbeddedPostgres again = EmbeddedPostgres.start(data, port)) {
            assertThat(again.execute("survivor", "select body from notes")).isEqualTo("kept");
        }
    }

    @Test
    void redis_answers_ping() throws IOException {
        try (EmbeddedRedis redis = EmbeddedRedis.start(FreePort.find());
                Socket socket = new Socket("127.0.0.1", redis.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            int read = in.readNBytes(reply, 0, 7);
            assertThat(new String(reply, 0, read, StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
        }
    }
}
