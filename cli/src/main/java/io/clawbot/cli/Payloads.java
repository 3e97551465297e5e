package io.clawbot.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** JSON objects from the command line: {@code --payload} (JSON, a file, or {@code -} for standard input) and {@code --set}. */
final class Payloads {

    private Payloads() {
    }

    /**
     * The object {@code source} gives (inline JSON, {@code -} for standard input, else a file's path), with each
     * {@code name=value} of {@code sets} put into it: a dotted name nests, a value that parses as JSON is that JSON
     * ({@code n=3}, {@code ok=true}, {@code tags=["a"]}), any other value is a string.
     */
    static ObjectNode object(String source, List<String> sets, BufferedReader stdin, String what) {
        ObjectNode object = Api.JSON.createObjectNode();
        if (source != null) {
            String text = read(source, stdin, what);
            JsonNode parsed;
            try {
                parsed = Api.JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw new CliException(ExitCodes.USAGE, what + " is not JSON: " + e.getOriginalMessage());
            }
            if (parsed == null || !parsed.isObject()) {
                throw new CliException(ExitCodes.USAGE, what + " must be a JSON object");
            }
            object = (ObjectNode) parsed;
        }
        for (String set : sets == null ? List.<String>of() : sets) {
            int equals = set.indexOf('=');
            if (equals <= 0) {
                throw new CliException(ExitCodes.USAGE, "--set takes name=value, not " + set);
            }
            put(object, set.substring(0, equals), value(set.substring(equals + 1)));
        }
        return object;
    }

    private static String read(String source, BufferedReader stdin, String what) {
        String trimmed = source.strip();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            return trimmed;
        }
        try {
            if (trimmed.equals("-")) {
                StringBuilder text = new StringBuilder();
                for (String line = stdin.readLine(); line != null; line = stdin.readLine()) {
                    text.append(line).append('\n');
                }
                return text.toString();
            }
            Path file = Path.of(trimmed.startsWith("@") ? trimmed.substring(1) : trimmed);
            if (!Files.isRegularFile(file)) {
                throw new CliException(ExitCodes.USAGE, what + " is neither JSON nor a file: " + source);
            }
            return Files.readString(file);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read " + what + " from " + source + ": " + e.getMessage());
        }
    }

    private static JsonNode value(String text) {
        try {
            JsonNode parsed = Api.JSON.readTree(text);
            return parsed == null || parsed.isMissingNode() ? TextNode.valueOf(text) : parsed;
        } catch (IOException e) {
            return TextNode.valueOf(text);
        }
    }

    private static void put(ObjectNode object, String name, JsonNode value) {
        String[] path = name.split("\\.");
        ObjectNode at = object;
        for (int i = 0; i < path.length - 1; i++) {
            if (path[i].isEmpty()) {
                throw new CliException(ExitCodes.USAGE, "--set has an empty name part: " + name);
            }
            JsonNode next = at.get(path[i]);
            at = next instanceof ObjectNode nested ? nested : at.putObject(path[i]);
        }
        if (path.length == 0 || path[path.length - 1].isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "--set has an empty name part: " + name);
        }
        at.set(path[path.length - 1], value);
    }
}
