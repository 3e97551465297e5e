package io.clawbot.coordinator.adapters.rest.common;

import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.common.ValidationException;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.Function;

/** Parses path and query parameters into domain values, naming the parameter in the error. */
public final class Params {

    private Params() {
    }

    public static UUID uuid(String name, String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ValidationException(name, "must be a UUID");
        }
    }

    public static UUID optionalUuid(String name, String value) {
        return value == null || value.isEmpty() ? null : uuid(name, value);
    }

    /** An enum from its wire name, or {@code null} when the parameter is absent. */
    public static <E extends Enum<E>> E optionalEnum(String name, String value, E[] values, Function<E, String> wire) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        for (E e : values) {
            if (wire.apply(e).equals(value)) {
                return e;
            }
        }
        throw new ValidationException(name,
                "must be one of " + String.join(", ", Arrays.stream(values).map(wire).toList()));
    }

    /** A bounded page from the {@code limit} and {@code offset} query parameters. */
    public static PageRequest page(String limit, String offset) {
        return PageRequest.of(optionalInt("limit", limit), optionalInt("offset", offset));
    }

    public static Integer optionalInt(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw new ValidationException(name, "must be an integer");
        }
    }

    /** The longest {@code ?wait=} a client may ask for, in seconds. */
    public static final int MAX_WAIT_SECONDS = 60;

    /** A {@code ?wait=} in whole seconds, 0 to {@link #MAX_WAIT_SECONDS}; zero when absent. */
    public static java.time.Duration wait(String value) {
        Integer seconds = optionalInt("wait", value);
        if (seconds == null) {
            return java.time.Duration.ZERO;
        }
        if (seconds < 0 || seconds > MAX_WAIT_SECONDS) {
            throw new ValidationException("wait", "must be between 0 and " + MAX_WAIT_SECONDS + " seconds");
        }
        return java.time.Duration.ofSeconds(seconds);
    }

    /** {@code true} or {@code false}; {@code fallback} when absent. */
    public static boolean optionalBoolean(String name, String value, boolean fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return switch (value.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ValidationException(name, "must be true or false");
        };
    }
}
