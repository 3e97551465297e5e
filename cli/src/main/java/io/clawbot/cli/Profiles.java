package io.clawbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/**
 * The coordinators a user has logged in to, by profile name, and which one is current: a JSON file readable by
 * its owner only ({@code $CLAWBOT_CONFIG}, else {@code $XDG_CONFIG_HOME/clawbot/profiles.json}, else
 * {@code ~/.config/clawbot/profiles.json}).
 */
final class Profiles {

    /** One coordinator: where it is and the key to call it with. */
    record Profile(String url, String key) {
    }

    private final Path file;
    private final Map<String, Profile> profiles;
    private String current;

    private Profiles(Path file, Map<String, Profile> profiles, String current) {
        this.file = file;
        this.profiles = profiles;
        this.current = current;
    }

    static Path location(Map<String, String> env) {
        String explicit = env.get("CLAWBOT_CONFIG");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path config = xdg != null && !xdg.isBlank()
                ? Path.of(xdg)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
        return config.resolve("clawbot").resolve("profiles.json");
    }

    static Profiles load(Path file) {
        Map<String, Profile> profiles = new TreeMap<>();
        String current = null;
        if (Files.exists(file)) {
            try {
                JsonNode root = Api.JSON.readTree(file.toFile());
                current = root.path("current").isTextual() ? root.get("current").asText() : null;
                root.path("profiles").fields().forEachRemaining(entry -> profiles.put(entry.getKey(),
                        new Profile(entry.getValue().path("url").asText(null),
                                entry.getValue().path("key").asText(null))));
            } catch (IOException e) {
                throw new CliException(ExitCodes.USAGE, "cannot read the profiles in " + file + ": "
                        + e.getMessage());
            }
        }
        return new Profiles(file, profiles, current);
    }

    Path file() {
        return file;
    }

    String current() {
        return current;
    }

    Profile get(String name) {
        return profiles.get(name);
    }

    Map<String, Profile> all() {
        return Map.copyOf(profiles);
    }

    void put(String name, Profile profile) {
        profiles.put(name, profile);
        current = name;
    }

    boolean remove(String name) {
        boolean removed = profiles.remove(name) != null;
        if (name.equals(current)) {
            current = profiles.isEmpty() ? null : profiles.keySet().iterator().next();
        }
        return removed;
    }

    void use(String name) {
        if (!profiles.containsKey(name)) {
            throw new CliException(ExitCodes.NOT_FOUND, "no profile " + name + " in " + file);
        }
        current = name;
    }

    /** Writes the file readable by its owner only, replacing the old one in one step. */
    void save() {
        ObjectNode root = Api.JSON.createObjectNode();
        if (current != null) {
            root.put("current", current);
        }
        ObjectNode all = root.putObject("profiles");
        profiles.forEach((name, profile) -> all.putObject(name).put("url", profile.url()).put("key", profile.key()));
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temporary = Files.createTempFile(dir, ".profiles", ".json");
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            }
            Files.write(temporary, Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot write the profiles to " + file + ": " + e.getMessage());
        }
    }
}
