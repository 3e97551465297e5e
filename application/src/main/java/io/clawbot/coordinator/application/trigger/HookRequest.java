package io.clawbot.coordinator.application.trigger;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One request to a hook, as it arrived.
 *
 * @param slack whether it came to the Slack hook ({@code /hooks/slack/{trigger}}) rather than the generic one
 * @param headers its headers; names are compared without case
 * @param body the raw bytes, exactly as signed
 */
public record HookRequest(String trigger, boolean slack, Map<String, String> headers, byte[] body) {

    public HookRequest {
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((k, v) -> copy.put(k.toLowerCase(Locale.ROOT), v));
        headers = copy;
        body = body == null ? new byte[0] : body;
    }

    public String header(String name) {
        return headers.get(name);
    }
}
