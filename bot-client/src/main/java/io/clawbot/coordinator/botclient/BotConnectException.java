package io.clawbot.coordinator.botclient;

/**
 * The client could not open a session, or gave up on it: the coordinator refused the upgrade request (see
 * {@link #httpStatus()}), or the client was closed before a session was up.
 */
public class BotConnectException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int httpStatus;

    public BotConnectException(String message, int httpStatus, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    /** The HTTP status of the refused upgrade request (401 for a missing or wrong token), or -1 if none. */
    public int httpStatus() {
        return httpStatus;
    }
}
