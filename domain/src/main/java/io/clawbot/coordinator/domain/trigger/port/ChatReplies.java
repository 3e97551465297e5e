package io.clawbot.coordinator.domain.trigger.port;

import io.smallrye.mutiny.Uni;

/** Posts a message back to the chat an event came from (Slack). */
public interface ChatReplies {

    /**
     * What the chat answered.
     *
     * @param delivered the message was taken
     * @param retryable a later try may succeed (a network fault, a 5xx, a 429)
     * @param retryAfterSeconds the chat's own hint when to try again; 0 when none
     */
    record Result(boolean delivered, boolean retryable, String error, long retryAfterSeconds) {

        public static Result ok() {
            return new Result(true, false, null, 0);
        }
    }

    /** Posts {@code text} to a slash command's or an interaction's {@code response_url}. */
    Uni<Result> toResponseUrl(String url, String text);

    /** Posts {@code text} with {@code chat.postMessage} to a channel, in a thread when {@code threadTs} is set. */
    Uni<Result> toChannel(String botToken, String channel, String threadTs, String text);
}
