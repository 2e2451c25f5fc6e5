package org.liveng.api;

import java.util.Objects;

/**
 * One finding of a check: what, where, and what to do about it.
 *
 * @param severity how bad it is
 * @param code stable code (see {@link ErrorCodes} or a check-specific code)
 * @param where the object concerned, e.g. a path inside an ISO, a partition name
 * @param message a complete sentence
 * @param hint what to do, or {@code null}
 */
public record Problem(Severity severity, String code, String where, String message, String hint) {
    public Problem {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    public enum Severity { INFO, WARNING, ERROR }
}
