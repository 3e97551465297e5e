package io.clawbot.sdk;

import io.clawbot.client.model.Problem;

/**
 * A request the coordinator refused or could not answer: the HTTP status and, when it sent one, its problem
 * document (type, detail, the field at fault and, for a payload that breaks its type's schema, every violation).
 */
public final class ClawbotException extends RuntimeException {

    private final int status;
    private final transient Problem problem;

    ClawbotException(int status, Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.problem = problem;
    }

    /** The HTTP status; 0 when no answer came. */
    public int status() {
        return status;
    }

    /** The problem document, or {@code null} when the answer had none. */
    public Problem problem() {
        return problem;
    }

    /** The problem's stable code ({@code task-not-found}, {@code validation}, ...), or {@code null}. */
    public String code() {
        return problem == null || problem.getType() == null
                ? null
                : problem.getType().substring(problem.getType().lastIndexOf(':') + 1);
    }
}
