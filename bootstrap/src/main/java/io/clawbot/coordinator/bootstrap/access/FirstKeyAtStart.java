package io.clawbot.coordinator.bootstrap.access;

import io.clawbot.coordinator.application.access.FirstKey;
import io.clawbot.coordinator.application.access.IssuedKey;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Makes sure an installation can be administered. With {@code coordinator.admin-key} (env
 * {@code COORDINATOR_ADMIN_KEY}) or {@code coordinator.admin-key-file} (a mounted Secret), that key is an admin key.
 * Otherwise, on a database with no key at all, an admin key is made, printed once and, with
 * {@code coordinator.first-key-file}, written to that file readable by its owner only.
 */
@ApplicationScoped
public class FirstKeyAtStart {

    private static final Logger LOG = Logger.getLogger(FirstKeyAtStart.class);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final FirstKey firstKey;
    private final Optional<String> adminKey;
    private final Optional<Path> adminKeyFile;
    private final Optional<Path> firstKeyFile;

    public FirstKeyAtStart(FirstKey firstKey,
            @ConfigProperty(name = "coordinator.admin-key") Optional<String> adminKey,
            @ConfigProperty(name = "coordinator.admin-key-file") Optional<Path> adminKeyFile,
            @ConfigProperty(name = "coordinator.first-key-file") Optional<Path> firstKeyFile) {
        this.firstKey = firstKey;
        this.adminKey = adminKey;
        this.adminKeyFile = adminKeyFile;
        this.firstKeyFile = firstKeyFile;
    }

    void onStart(@Observes StartupEvent event) {
        Optional<String> provided = adminKey.map(String::strip).filter(k -> !k.isEmpty())
                .or(() -> adminKeyFile.flatMap(FirstKeyAtStart::read));
        if (provided.isPresent()) {
            boolean stored = firstKey.provide(provided.get()).await().atMost(WAIT);
            LOG.infof("The provided admin key (%s...) is %s", provided.get().substring(0, 10),
                    stored ? "now stored" : "already stored");
            return;
        }
        IssuedKey made = firstKey.makeIfNone().await().atMost(WAIT);
        if (made == null) {
            return;
        }
        firstKeyFile.ifPresent(file -> write(file, made.secret()));
        // Printed once, on purpose: nobody else can ever show it again.
        LOG.warnf("%n%n    No API key existed, so an admin key was made. It is shown this once:%n%n        %s%n%n"
                + "    %s%n    Use it as 'Authorization: Bearer <key>'; issue narrower keys with POST /api/v1/keys.%n",
                made.secret(), firstKeyFile.map(f -> "It is also in " + f.toAbsolutePath() + " (mode 0600).")
                        .orElse("Keep it: it is stored only as a hash."));
    }

    /** The key in the file; none when the file is absent (an optional Secret that was not created). */
    private static Optional<String> read(Path file) {
        if (!Files.exists(file)) {
            LOG.infof("No admin key file at %s; keys come from the database", file);
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read coordinator.admin-key-file " + file, e);
        }
    }

    private static void write(Path file, String secret) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warnf("Could not write the first admin key to %s: %s", file, e.getMessage());
        }
    }
}
