package io.clawbot.coordinator.botclient;

import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The owner's {@link BotListener}, called so that nothing it throws reaches the client: it is logged instead. */
final class SafeListener implements BotListener {

    private static final Logger LOG = Logger.getLogger(BotClient.class.getName());

    private final BotListener listener;

    SafeListener(BotListener listener) {
        this.listener = listener;
    }

    private void safely(Consumer<BotListener> call) {
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "bot listener failed", e);
        }
    }

    @Override
    public void onConnected(ConnectedInfo info) {
        safely(l -> l.onConnected(info));
    }

    @Override
    public void onAssigned(AssignedTask task) {
        safely(l -> l.onAssigned(task));
    }

    @Override
    public void onCompleted(String taskId, int attempt, boolean success) {
        safely(l -> l.onCompleted(taskId, attempt, success));
    }

    @Override
    public void onCancelled(String taskId, int attempt, String reason) {
        safely(l -> l.onCancelled(taskId, attempt, reason));
    }

    @Override
    public void onServerError(String code, String message, String taskId) {
        safely(l -> l.onServerError(code, message, taskId));
    }

    @Override
    public void onFrame(String type, Map<String, Object> payload) {
        safely(l -> l.onFrame(type, payload));
    }

    @Override
    public void onDisconnected(int statusCode, String reason) {
        safely(l -> l.onDisconnected(statusCode, reason));
    }

    @Override
    public void onConnectFailed(Throwable error, boolean willRetry) {
        safely(l -> l.onConnectFailed(error, willRetry));
    }
}
