package io.clawbot.coordinator.domain.trigger;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One delivery, read: what its sender says happened, in the same few fields whatever the source, with the whole
 * body kept as {@code payload}. Templates and matches see it as {@code event}: {@code ${event.text}},
 * {@code ${event.payload.repository.full_name}}.
 *
 * @param kind what the delivery is: {@code event_callback}, {@code url_verification}, {@code slash_command},
 *        {@code interactive} (Slack), {@code webhook} (GitHub, Standard Webhooks)
 * @param id the sender's id of the event, by which a repeat is recognised; {@code null} when it sends none
 * @param type the event's type: a Slack event type ({@code app_mention}), an interaction type ({@code block_actions}),
 *        {@code slash_command}, GitHub's {@code X-GitHub-Event}, a Standard Webhooks body's {@code type}
 * @param botReason why the event comes from a bot (and must start nothing), or {@code null}
 * @param challenge Slack's {@code url_verification} challenge, to answer as it came
 * @param responseUrl where a Slack slash command or interaction takes its answer
 */
public record HookEvent(String kind, String id, String type, String text, String user, String channel,
        String command, String team, String threadTs, String responseUrl, String botReason, String challenge,
        Map<String, Object> payload) {

    public HookEvent {
        payload = payload == null ? Map.of() : payload;
    }

    public boolean fromBot() {
        return botReason != null;
    }

    /** The event as templates and conditions see it. */
    public Map<String, Object> values() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("kind", kind);
        values.put("id", id);
        values.put("type", type);
        values.put("text", text);
        values.put("user", user);
        values.put("channel", channel);
        values.put("command", command);
        values.put("team", team);
        values.put("thread_ts", threadTs);
        values.put("payload", payload);
        return values;
    }

    /** The same event, marked as coming from a bot. */
    public HookEvent fromBot(String reason) {
        return new HookEvent(kind, id, type, text, user, channel, command, team, threadTs, responseUrl, reason,
                challenge, payload);
    }
}
