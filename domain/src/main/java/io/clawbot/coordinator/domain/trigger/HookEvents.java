package io.clawbot.coordinator.domain.trigger;

import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.trigger.port.JsonBodies;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads a verified delivery's body into a {@link HookEvent}, by source. */
public final class HookEvents {

    private static final String FORM = "application/x-www-form-urlencoded";

    private HookEvents() {
    }

    /**
     * A Slack delivery: a JSON Events API body ({@code url_verification} or {@code event_callback}), or a form: a
     * slash command, or an interaction whose {@code payload} field holds JSON.
     *
     * @param appUserId the Slack app's own user id; its messages start nothing ({@code null}: unknown)
     */
    public static HookEvent slack(String contentType, byte[] body, JsonBodies json, String appUserId) {
        if (isForm(contentType)) {
            Map<String, String> form = form(body);
            if (form.containsKey("payload")) {
                return slackInteraction(json.object(form.get("payload").getBytes(StandardCharsets.UTF_8)));
            }
            if (form.get("command") == null) {
                throw new ValidationException("body", "a Slack form is a slash command (command=...) or an "
                        + "interaction (payload=...)");
            }
            Map<String, Object> payload = new LinkedHashMap<>(form);
            return new HookEvent("slash_command", form.get("trigger_id"), "slash_command", form.get("text"),
                    form.get("user_id"), form.get("channel_id"), form.get("command"), form.get("team_id"), null,
                    form.get("response_url"), null, null, payload);
        }
        Map<String, Object> root = json.object(body);
        String type = string(root, "type");
        if ("url_verification".equals(type)) {
            return new HookEvent("url_verification", null, type, null, null, null, null, null, null, null, null,
                    string(root, "challenge"), root);
        }
        if (!"event_callback".equals(type) || !(root.get("event") instanceof Map<?, ?>)) {
            throw new ValidationException("type", "a Slack Events API body is an event_callback with an event, "
                    + "or a url_verification");
        }
        Map<?, ?> event = (Map<?, ?>) root.get("event");
        String user = string(event, "user");
        String ts = string(event, "ts");
        HookEvent read = new HookEvent("event_callback", string(root, "event_id"), string(event, "type"),
                string(event, "text"), user, string(event, "channel"), null, string(root, "team_id"),
                string(event, "thread_ts") != null ? string(event, "thread_ts") : ts, null, null, null, root);
        String bot = botReason(root, event, user, appUserId);
        return bot == null ? read : read.fromBot(bot);
    }

    /** Why a Slack event comes from a bot, or {@code null}. */
    private static String botReason(Map<?, ?> root, Map<?, ?> event, String user, String appUserId) {
        if (event.get("bot_id") != null || event.get("bot_profile") != null) {
            return "the message has a bot_id";
        }
        if ("bot_message".equals(event.get("subtype"))) {
            return "the message's subtype is bot_message";
        }
        if (user != null && user.equals(appUserId)) {
            return "the message is from the app's own user";
        }
        if (user != null && root.get("authorizations") instanceof List<?> authorizations) {
            for (Object a : authorizations) {
                if (a instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("is_bot")) && user.equals(m.get("user_id"))) {
                    return "the message is from the app's own user";
                }
            }
        }
        return null;
    }

    private static HookEvent slackInteraction(Map<String, Object> payload) {
        String type = string(payload, "type");
        String user = payload.get("user") instanceof Map<?, ?> u ? string(u, "id") : null;
        String channel = payload.get("channel") instanceof Map<?, ?> c ? string(c, "id") : null;
        String team = payload.get("team") instanceof Map<?, ?> t ? string(t, "id") : null;
        String text = null;
        if (payload.get("actions") instanceof List<?> actions && !actions.isEmpty()
                && actions.getFirst() instanceof Map<?, ?> action) {
            text = string(action, "value");
        }
        String threadTs = payload.get("message") instanceof Map<?, ?> m ? string(m, "ts") : null;
        return new HookEvent("interactive", string(payload, "trigger_id"), type, text, user, channel, null, team,
                threadTs, string(payload, "response_url"), null, null, payload);
    }

    /**
     * A GitHub-style delivery: the event type and delivery id come from {@code X-GitHub-Event} and
     * {@code X-GitHub-Delivery}; a form body carries the JSON in its {@code payload} field.
     */
    public static HookEvent github(String contentType, String event, String delivery, byte[] body, JsonBodies json) {
        Map<String, Object> root = isForm(contentType)
                ? json.object(form(body).getOrDefault("payload", "").getBytes(StandardCharsets.UTF_8))
                : json.object(body);
        String user = root.get("sender") instanceof Map<?, ?> s ? string(s, "login") : null;
        String channel = root.get("repository") instanceof Map<?, ?> r ? string(r, "full_name") : null;
        String text = null;
        for (String holder : List.of("comment", "issue", "pull_request", "head_commit")) {
            if (root.get(holder) instanceof Map<?, ?> h) {
                text = string(h, holder.equals("head_commit") ? "message" : "body");
                if (text == null) {
                    text = string(h, "title");
                }
                break;
            }
        }
        String type = event == null ? null : event;
        String botReason = root.get("sender") instanceof Map<?, ?> s && "Bot".equals(s.get("type"))
                ? "the sender is a bot account"
                : null;
        return new HookEvent("webhook", delivery, type, text, user, channel, null, null, null, null, botReason,
                null, root);
    }

    /** A Standard Webhooks delivery: a JSON body, whose {@code type} is the event type. */
    public static HookEvent standard(String id, byte[] body, JsonBodies json) {
        Map<String, Object> root = json.object(body);
        Map<?, ?> data = root.get("data") instanceof Map<?, ?> d ? d : Map.of();
        return new HookEvent("webhook", id, string(root, "type"), string(data, "text"), string(data, "user"),
                string(data, "channel"), null, null, null, null, null, null, root);
    }

    private static boolean isForm(String contentType) {
        return contentType != null
                && contentType.toLowerCase(Locale.ROOT).split(";", 2)[0].strip().equals(FORM);
    }

    /** A form body's fields, the first value of each. */
    static Map<String, String> form(byte[] body) {
        Map<String, String> out = new LinkedHashMap<>();
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            return out;
        }
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            try {
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (key.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                    throw new ValidationException("body", "form fields must not contain the NUL character");
                }
                out.putIfAbsent(key, value);
            } catch (IllegalArgumentException e) {
                throw new ValidationException("body", "is not a well-formed form: " + e.getMessage());
            }
        }
        return out;
    }

    private static String string(Map<?, ?> map, String key) {
        return map.get(key) instanceof String s ? s : null;
    }
}
