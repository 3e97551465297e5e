package io.clawbot.coordinator.domain.common;

/**
 * The NUL character (U+0000) has no place in anything the service stores: PostgreSQL's text and jsonb cannot hold
 * it. Input that carries one is refused where it enters (an HTTP body, a query, a bot's frame), before anything
 * reads it, with a precise error instead of a failed write.
 */
public final class NulCharacters {

    public static final String MESSAGE = "must not contain the NUL character (U+0000)";

    private NulCharacters() {
    }

    /** Whether a plain string holds a NUL. */
    public static boolean in(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether JSON text would hold a NUL once parsed: a raw one, or a {@code \u0000} escape in a string (an escaped
     * backslash followed by {@code u0000} is not one). A linear scan that does not parse.
     */
    public static boolean inJsonText(CharSequence json) {
        int n = json.length();
        for (int i = 0; i < n; i++) {
            char c = json.charAt(i);
            if (c == 0) {
                return true;
            }
            if (c == '\\' && i + 1 < n) {
                if (json.charAt(i + 1) == 'u' && i + 5 < n && isZeroEscape(json, i + 2)) {
                    return true;
                }
                i++;
            }
        }
        return false;
    }

    /** The same scan over UTF-8 bytes: no byte of a multi-byte UTF-8 sequence is a backslash, a 'u' or a '0'. */
    public static boolean inJsonBytes(byte[] json, int length) {
        for (int i = 0; i < length; i++) {
            byte b = json[i];
            if (b == 0) {
                return true;
            }
            if (b == '\\' && i + 1 < length) {
                if (json[i + 1] == 'u' && i + 5 < length && json[i + 2] == '0' && json[i + 3] == '0'
                        && json[i + 4] == '0' && json[i + 5] == '0') {
                    return true;
                }
                i++;
            }
        }
        return false;
    }

    private static boolean isZeroEscape(CharSequence json, int from) {
        for (int k = from; k < from + 4; k++) {
            if (json.charAt(k) != '0') {
                return false;
            }
        }
        return true;
    }
}
