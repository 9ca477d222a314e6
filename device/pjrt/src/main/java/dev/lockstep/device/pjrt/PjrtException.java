package dev.lockstep.device.pjrt;

/**
 * A PJRT plugin reported an error: {@link #code()} is its PJRT_Error_Code name (INVALID_ARGUMENT,
 * RESOURCE_EXHAUSTED, ...) and {@link #pluginMessage()} the plugin's own words; the message adds which
 * plugin and which call.
 */
public class PjrtException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private static final String[] CODES = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
        "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
        "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};

    private final String code;
    private final String pluginMessage;

    PjrtException(String context, int code, String pluginMessage) {
        this(context, codeName(code), pluginMessage);
    }

    PjrtException(String context, String code, String pluginMessage) {
        super(context + ": " + code + ": " + pluginMessage);
        this.code = code;
        this.pluginMessage = pluginMessage;
    }

    /** The PJRT error code's name, e.g. {@code INVALID_ARGUMENT}. */
    public String code() {
        return code;
    }

    /** What the plugin said, unchanged. */
    public String pluginMessage() {
        return pluginMessage;
    }

    static String codeName(int code) {
        return code >= 0 && code < CODES.length ? CODES[code] : "code " + code;
    }
}
