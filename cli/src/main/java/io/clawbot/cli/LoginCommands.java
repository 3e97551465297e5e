package io.clawbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Console;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code login}, {@code logout} and {@code profiles}: the coordinators this user calls, by profile. */
final class LoginCommands {

    private LoginCommands() {
    }

    @Command(name = "login", description = { "Save a coordinator and its API key as a profile and make it current.",
            "The key is read from the terminal without echo, or from standard input (`--key-stdin`); it is "
                    + "checked against the coordinator before it is saved." })
    static final class Login implements Callable<Integer> {

        @ParentCommand
        Clawbot root;

        @Option(names = "--key-stdin", description = "Read the key from standard input (for scripts).")
        boolean keyFromStdin;

        @Override
        public Integer call() throws IOException {
            String name = root.profile != null ? root.profile : "default";
            URI base = root.url != null
                    ? root.url
                    : root.env().get("CLAWBOT_URL") != null
                            ? URI.create(root.env().get("CLAWBOT_URL"))
                            : URI.create(Clawbot.DEFAULT_URL);
            String key = readKey();
            if (key == null || key.isBlank()) {
                throw new CliException(ExitCodes.USAGE, "no key given");
            }
            JsonNode me = new Api(base, key.strip()).get("/api/v1/me");
            if (!"key".equals(me.path("kind").asText())) {
                throw new CliException(ExitCodes.AUTH, "that is a bot's token; log in with an API key");
            }
            Profiles profiles = root.profiles();
            profiles.put(name, new Profiles.Profile(base.toString(), key.strip()));
            profiles.save();
            root.out().printf("Logged in to %s as profile %s: key %s (%s); saved in %s%n", base, name,
                    me.path("name").asText(), me.path("role").asText(), profiles.file());
            return ExitCodes.OK;
        }

        private String readKey() throws IOException {
            Console console = System.console();
            if (!keyFromStdin && console != null && root.terminal()) {
                char[] typed = console.readPassword("API key: ");
                return typed == null ? null : new String(typed);
            }
            return root.in().readLine();
        }
    }

    @Command(name = "whoami", description = "The key in use: its name, its role and what the role may do.")
    static final class WhoAmI implements Callable<Integer> {

        @ParentCommand
        Clawbot root;

        @Override
        public Integer call() {
            root.print(root.api().get("/api/v1/me"), me -> {
                if ("bot".equals(me.path("kind").asText())) {
                    root.out().printf("bot %s at %s%n", me.path("bot_id").asText(), root.api().base());
                } else {
                    java.util.List<String> may = new java.util.ArrayList<>();
                    me.path("may").forEach(action -> may.add(action.asText()));
                    root.out().printf("%s (%s) at %s%n  may: %s%n", me.path("name").asText(),
                            me.path("role").asText(), root.api().base(),
                            may.isEmpty() ? "read only" : String.join(", ", may));
                }
                root.out().flush();
            });
            return ExitCodes.OK;
        }
    }

    @Command(name = "logout", description = "Forget a profile (the current one, or --profile's).")
    static final class Logout implements Callable<Integer> {

        @ParentCommand
        Clawbot root;

        @Override
        public Integer call() {
            Profiles profiles = root.profiles();
            String name = root.profile != null ? root.profile : profiles.current();
            if (name == null || !profiles.remove(name)) {
                throw new CliException(ExitCodes.NOT_FOUND, "no profile to forget in " + profiles.file());
            }
            profiles.save();
            root.out().println("Forgot profile " + name);
            return ExitCodes.OK;
        }
    }

    @Command(name = "profiles", description = { "List the saved profiles; the current one is marked with *.",
            "`clawbot profiles use NAME` makes another current." })
    static final class ProfilesCommand implements Callable<Integer> {

        @ParentCommand
        Clawbot root;

        @Override
        public Integer call() {
            Profiles profiles = root.profiles();
            if (root.json()) {
                var answer = Api.JSON.createObjectNode();
                answer.put("current", profiles.current());
                var all = answer.putObject("profiles");
                profiles.all().forEach((name, profile) -> all.putObject(name).put("url", profile.url()));
                root.printJson(answer);
                return ExitCodes.OK;
            }
            Table table = new Table("", "PROFILE", "URL");
            for (Map.Entry<String, Profiles.Profile> entry : new TreeMap<>(profiles.all()).entrySet()) {
                table.row(entry.getKey().equals(profiles.current()) ? "*" : "", entry.getKey(),
                        entry.getValue().url());
            }
            table.print(root.out());
            return ExitCodes.OK;
        }

        @Command(name = "use", description = "Make a saved profile the current one.")
        int use(@Parameters(paramLabel = "NAME") String name) {
            Profiles profiles = root.profiles();
            profiles.use(name);
            profiles.save();
            root.out().println("Now using profile " + name);
            return ExitCodes.OK;
        }
    }
}
