package io.clawbot.cli;

/**
 * The exit codes scripts can rely on. {@code clawbot --help} lists them.
 */
final class ExitCodes {

    /** Done as asked; with {@code --wait}, the task or workflow completed. */
    static final int OK = 0;
    /** With {@code --wait}: the task or workflow ended without completing (failed, timed out, cancelled). */
    static final int FAILED = 1;
    /** Bad arguments, or a request the coordinator refused as invalid (400, 409, 413, 415, 422). */
    static final int USAGE = 2;
    /** No API key, or the key was refused (401) or lacks the role (403). */
    static final int AUTH = 3;
    /** The task, workflow, bot or other resource does not exist (404). */
    static final int NOT_FOUND = 4;
    /** The coordinator could not be reached or failed (5xx, 429 after the retry time). */
    static final int UNAVAILABLE = 5;
    /** With {@code --wait}: the task or workflow was still running when {@code --wait-timeout} passed. */
    static final int STILL_RUNNING = 6;

    static final String HELP = "Exit codes: 0 ok, 1 task or workflow failed (--wait), 2 usage or invalid request, "
            + "3 authentication, 4 not found, 5 coordinator unreachable or failing, 6 still running after "
            + "--wait-timeout.";

    private ExitCodes() {
    }

    static int forStatus(int status) {
        return switch (status) {
            case 401, 403 -> AUTH;
            case 404, 410 -> NOT_FOUND;
            case 400, 405, 406, 409, 412, 413, 414, 415, 422 -> USAGE;
            default -> UNAVAILABLE;
        };
    }
}
