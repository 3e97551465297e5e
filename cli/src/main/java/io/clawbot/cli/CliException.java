package io.clawbot.cli;

/** A command that cannot go on: its message is printed in one line and the process exits with {@code exitCode}. */
final class CliException extends RuntimeException {

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
