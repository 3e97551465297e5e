package io.clawbot.coordinator.botclient;

import java.util.Objects;

/**
 * Thrown by a {@link TaskHandler} to fail a task with an error code as well as a message. The task's retry policy
 * may name the code as not worth retrying (for example bad input), which ends the task at once instead of trying
 * again. Any other exception fails the task without a code.
 */
public class TaskFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String code;

    /**
     * @param code 1-100 characters of letters, digits and {@code . _ : / -}
     * @param message what went wrong, for people
     */
    public TaskFailure(String code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public String code() {
        return code;
    }
}
