package io.clawbot.coordinator.botclient;

import java.util.Map;

/**
 * Observes a {@link BotClient}: for logging, metrics and tests. Every method has a no-op default, so implement
 * only what you need.
 *
 * <p>
 * The methods about inbound frames run on the WebSocket's receiving thread, one at a time, and the client reads
 * the next frame only when they return: keep them short and never block in them. The others run on the client's
 * scheduler or task threads. An exception thrown by a listener is logged and otherwise ignored.
 */
public interface BotListener {

    /** A session is up: the coordinator's {@code connected} frame arrived (on every reconnect too). */
    default void onConnected(ConnectedInfo info) {
    }

    /** A task was assigned; its handler is about to be queued. */
    default void onAssigned(AssignedTask task) {
    }

    /**
     * A task's handler finished and its {@code task_complete} report is queued (it is sent now, or after a
     * reconnect).
     */
    default void onCompleted(String taskId, int attempt, boolean success) {
    }

    /** The coordinator cancelled a task this client was holding; its handler was interrupted. */
    default void onCancelled(String taskId, int attempt, String reason) {
    }

    /** An {@code error} frame arrived; {@code taskId} is {@code null} when the error is about no task. */
    default void onServerError(String code, String message, String taskId) {
    }

    /** Any inbound frame, before the client acts on it. */
    default void onFrame(String type, Map<String, Object> payload) {
    }

    /**
     * A session ended: closed by either side ({@code statusCode} is the WebSocket close code) or broken
     * (1006, abnormal closure).
     */
    default void onDisconnected(int statusCode, String reason) {
    }

    /**
     * Opening a session failed. {@code willRetry} is {@code false} when the client gives up: the coordinator
     * refused the token (HTTP 401 or 403) or the client was closed.
     */
    default void onConnectFailed(Throwable error, boolean willRetry) {
    }
}
