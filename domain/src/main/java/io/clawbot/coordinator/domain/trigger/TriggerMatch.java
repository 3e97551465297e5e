package io.clawbot.coordinator.domain.trigger;

import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.common.port.Conditions;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which of a trigger's events start work: every list that is not empty must contain the event's value, and the
 * pattern, when set, must be found in the event's text. An empty match takes every event.
 *
 * @param eventTypes the event's {@code type} (Slack's {@code app_mention}, GitHub's {@code push}, ...)
 * @param commands a Slack slash command ({@code /deploy})
 * @param channels a Slack channel id, or a GitHub repository's full name
 * @param textPattern a Java regular expression searched for in the text (at most {@link #MAX_PATTERN} characters;
 *        only the first {@link #MAX_TEXT} characters of a text are searched)
 * @param condition a condition over {@code event} (as templates see it), in the language of workflow steps'
 *        {@code when}; evaluated after the lists and the pattern
 */
public record TriggerMatch(List<String> eventTypes, List<String> commands, List<String> channels,
        String textPattern, String condition) {

    /** The variables a trigger's condition reads. */
    public static final java.util.Set<String> CONDITION_VARIABLES = java.util.Set.of("event");

    public static final int MAX_ITEMS = 100;
    public static final int MAX_PATTERN = 500;
    public static final int MAX_TEXT = 4000;

    public TriggerMatch {
        eventTypes = list("match.event_types", eventTypes);
        commands = list("match.commands", commands);
        channels = list("match.channels", channels);
        if (condition != null && (condition.isBlank()
                || condition.length() > Conditions.MAX_LENGTH)) {
            throw new ValidationException("match.condition", "must be 1-"
                    + Conditions.MAX_LENGTH + " characters");
        }
        if (textPattern != null) {
            if (textPattern.length() > MAX_PATTERN) {
                throw new ValidationException("match.text_pattern", "must be at most " + MAX_PATTERN + " characters");
            }
            try {
                Pattern.compile(textPattern);
            } catch (PatternSyntaxException e) {
                throw new ValidationException("match.text_pattern",
                        "is not a valid regular expression: " + e.getDescription());
            }
        }
    }

    public static TriggerMatch any() {
        return new TriggerMatch(List.of(), List.of(), List.of(), null, null);
    }

    /** Why the event does not match, or {@code null} when it does. */
    public String refusal(HookEvent event) {
        if (!eventTypes.isEmpty() && !eventTypes.contains(event.type())) {
            return "event type '" + event.type() + "' is not one of " + eventTypes;
        }
        if (!commands.isEmpty() && !commands.contains(event.command())) {
            return "command '" + event.command() + "' is not one of " + commands;
        }
        if (!channels.isEmpty() && !channels.contains(event.channel())) {
            return "channel '" + event.channel() + "' is not one of " + channels;
        }
        if (textPattern != null) {
            String text = event.text() == null ? "" : event.text();
            if (text.length() > MAX_TEXT) {
                text = text.substring(0, MAX_TEXT);
            }
            if (!Pattern.compile(textPattern).matcher(text).find()) {
                return "the text does not match " + textPattern;
            }
        }
        return null;
    }

    private static List<String> list(String field, List<String> values) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > MAX_ITEMS) {
            throw new ValidationException(field, "must have at most " + MAX_ITEMS + " items");
        }
        for (String v : values) {
            if (v == null || v.isBlank() || v.length() > 200) {
                throw new ValidationException(field, "items must be 1-200 characters");
            }
        }
        return List.copyOf(values);
    }
}
