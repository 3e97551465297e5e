package io.clawbot.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code clawbot}: the coordinator from a terminal. Each subcommand calls the REST API and prints a table, or the
 * API's JSON with {@code -o json}. The coordinator is {@code --url}, else {@code CLAWBOT_URL}, else the profile's;
 * the key is the profile's when {@code --profile} names one, else {@code CLAWBOT_KEY}, else the current profile's.
 */
@Command(name = "clawbot", mixinStandardHelpOptions = true, versionProvider = Clawbot.Version.class, description = "Operate a ClawBot Coordinator: submit work, follow it, manage bots and keys.", footer = {
        "", ExitCodes.HELP, "",
        "The API key comes from CLAWBOT_KEY or from a profile written by `clawbot login`." }, subcommands = {
                LoginCommands.Login.class, LoginCommands.Logout.class, LoginCommands.WhoAmI.class,
                LoginCommands.ProfilesCommand.class,
                StatusCommand.class, SubmitCommand.class, TasksCommand.class, DeadLettersCommand.class,
                WorkflowsCommand.class, DefinitionsCommand.class, SchedulesCommand.class, BotsCommand.class,
                PoliciesCommand.class,
                KeysCommand.class, WatchCommand.class, CompletionCommand.class })
public final class Clawbot {

    static final String DEFAULT_URL = "http://localhost:8080";

    /** What a table or JSON is printed as. */
    enum Output {
        table, json
    }

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL", description = "The coordinator (default: CLAWBOT_URL, the profile's, or "
            + DEFAULT_URL + ").")
    URI url;

    @Option(names = "--profile", scope = ScopeType.INHERIT, paramLabel = "NAME", description = "The profile to use instead of the current one (see `clawbot login`).")
    String profile;

    @Option(names = { "-o",
            "--output" }, scope = ScopeType.INHERIT, paramLabel = "FORMAT", description = "table (default) or json: the API's answer as it came, for scripts.")
    Output output = Output.table;

    private final Map<String, String> env;
    private PrintWriter out;
    private PrintWriter err;
    private BufferedReader in;
    private boolean terminal;
    private Api api;

    Clawbot(Map<String, String> env) {
        this.env = env;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.exit(run(System.getenv(), in, out, err, System.console() != null, args));
    }

    /**
     * Runs one command line and returns its exit code ({@link ExitCodes}); what it prints goes to {@code out} and
     * {@code err}. {@code terminal} says whether the output is a terminal (progress bars, redrawing).
     */
    public static int run(Map<String, String> env, BufferedReader in, PrintWriter out, PrintWriter err,
            boolean terminal, String... args) {
        Clawbot root = new Clawbot(env);
        root.out = out;
        root.err = err;
        root.in = in;
        root.terminal = terminal;
        CommandLine line = new CommandLine(root);
        line.setOut(out).setErr(err).setCaseInsensitiveEnumValuesAllowed(true);
        line.setExecutionExceptionHandler((e, failed, parsed) -> {
            if (e instanceof CliException cli) {
                err.println("clawbot: " + cli.getMessage());
                err.flush();
                return cli.exitCode();
            }
            throw e;
        });
        line.setParameterExceptionHandler((e, failedArgs) -> {
            err.println("clawbot: " + e.getMessage());
            err.println("Try `" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help`.");
            err.flush();
            return ExitCodes.USAGE;
        });
        return line.execute(args);
    }

    Map<String, String> env() {
        return env;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    BufferedReader in() {
        return in;
    }

    boolean terminal() {
        return terminal;
    }

    boolean json() {
        return output == Output.json;
    }

    Profiles profiles() {
        return Profiles.load(Profiles.location(env));
    }

    /** The API of the coordinator the options, the environment and the profiles name, with its key. */
    Api api() {
        if (api == null) {
            Profiles profiles = profiles();
            String name = profile != null ? profile : profiles.current();
            Profiles.Profile chosen = name == null ? null : profiles.get(name);
            if (profile != null && chosen == null) {
                throw new CliException(ExitCodes.USAGE, "no profile " + profile + " in " + profiles.file()
                        + " (`clawbot login --profile " + profile + "` adds it)");
            }
            URI base = url != null
                    ? url
                    : env.get("CLAWBOT_URL") != null
                            ? URI.create(env.get("CLAWBOT_URL"))
                            : chosen != null && chosen.url() != null
                                    ? URI.create(chosen.url())
                                    : URI.create(DEFAULT_URL);
            String key = profile != null
                    ? chosen.key()
                    : env.get("CLAWBOT_KEY") != null && !env.get("CLAWBOT_KEY").isBlank()
                            ? env.get("CLAWBOT_KEY").strip()
                            : chosen != null ? chosen.key() : localKey(base);
            if (key == null) {
                throw new CliException(ExitCodes.AUTH,
                        "no API key: set CLAWBOT_KEY or run `clawbot login` (the local coordinator writes its "
                                + "first admin key to .clawbot-data/admin-key)");
            }
            api = new Api(base, key);
        }
        return api;
    }

    /**
     * The admin key a local coordinator wrote ({@code CLAWBOT_LOCAL_KEY_FILE}, set by {@code scripts/clawbot}), for
     * a coordinator on this machine only: a key kept for localhost is never sent elsewhere.
     */
    private String localKey(URI base) {
        String file = env.get("CLAWBOT_LOCAL_KEY_FILE");
        String host = base.getHost();
        if (file == null || host == null || !(host.equals("localhost") || host.equals("127.0.0.1")
                || host.equals("::1") || host.equals("[::1]"))) {
            return null;
        }
        try {
            Path path = Path.of(file);
            return Files.isReadable(path) ? Files.readString(path).strip() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Prints {@code answer} as JSON with {@code -o json}, else as {@code table} draws it. */
    void print(JsonNode answer, Consumer<JsonNode> table) {
        if (json()) {
            printJson(answer);
        } else {
            table.accept(answer);
        }
        out.flush();
    }

    void printJson(JsonNode answer) {
        try {
            out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    /** The version the jar's manifest names. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Clawbot.class.getPackage().getImplementationVersion();
            return new String[]{ "clawbot " + (version == null ? "(development build)" : version) };
        }
    }
}
