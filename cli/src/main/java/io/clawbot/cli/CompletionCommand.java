package io.clawbot.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code completion}: a completion script for bash, which zsh runs through its bashcompinit:
 * {@code source <(clawbot completion)} in {@code ~/.bashrc} or {@code ~/.zshrc}.
 */
@Command(name = "completion", description = { "Print a shell completion script for bash or zsh.",
        "Load it with: source <(clawbot completion)   (in ~/.bashrc or ~/.zshrc)" })
final class CompletionCommand implements Callable<Integer> {

    @ParentCommand
    Clawbot root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "SHELL", defaultValue = "bash", description = "bash (default) or zsh")
    String shell;

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new CliException(ExitCodes.USAGE, "completion is for bash or zsh, not " + shell);
        }
        String script = AutoComplete.bash("clawbot", spec.parent().commandLine());
        if (shell.equals("zsh")) {
            script = "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
        }
        root.out().print(script);
        root.out().flush();
        return ExitCodes.OK;
    }
}
