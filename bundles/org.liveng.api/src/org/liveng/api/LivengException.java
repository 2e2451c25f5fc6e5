package org.liveng.api;

import java.util.Objects;

/**
 * The one checked root exception of liveng.
 *
 * <p>Every failure carries a stable, machine-readable {@link #code() code} (for
 * scripts and the JSON output) and an optional {@link #hint() hint} telling the
 * user what to do about it. Messages say what is wrong and where; they never
 * contain secrets (passphrases, key material).
 */
public class LivengException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final String hint;

    public LivengException(String code, String message) {
        this(code, message, null, null);
    }

    public LivengException(String code, String message, String hint) {
        this(code, message, hint, null);
    }

    public LivengException(String code, String message, String hint, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.hint = hint;
    }

    /** Stable error code, for example {@code FORMAT}, {@code USAGE}, {@code UNSUPPORTED}. */
    public String code() {
        return code;
    }

    /** What the user can do about it, or {@code null}. */
    public String hint() {
        return hint;
    }

    /**
     * The process exit status a command line front end should use for this
     * failure: 2 for usage errors, 3 for input that was read and refused, 4 for
     * environment problems (missing tools, permissions), 1 otherwise.
     */
    public int exitStatus() {
        return switch (code) {
            case ErrorCodes.USAGE, ErrorCodes.UNKNOWN_PROVIDER -> 2;
            case ErrorCodes.FORMAT, ErrorCodes.UNSUPPORTED, ErrorCodes.PREFLIGHT, ErrorCodes.NOT_FOUND -> 3;
            case ErrorCodes.ENVIRONMENT, ErrorCodes.IO -> 4;
            default -> 1;
        };
    }
}
