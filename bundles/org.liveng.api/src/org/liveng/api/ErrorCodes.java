package org.liveng.api;

/** The stable error codes carried by {@link LivengException#code()}. */
public final class ErrorCodes {
    /** Bad command line or recipe. */
    public static final String USAGE = "USAGE";
    /** A recipe names a provider id that is not installed. */
    public static final String UNKNOWN_PROVIDER = "UNKNOWN_PROVIDER";
    /** Corrupt or malformed on-disk data. */
    public static final String FORMAT = "FORMAT";
    /** The input is well formed but not something this provider handles. */
    public static final String UNSUPPORTED = "UNSUPPORTED";
    /** A preflight check refused the plan before anything was written. */
    public static final String PREFLIGHT = "PREFLIGHT";
    /** A named file, entry or device does not exist. */
    public static final String NOT_FOUND = "NOT_FOUND";
    /** Reading or writing failed. */
    public static final String IO = "IO";
    /** The machine lacks something (a tool, a permission). */
    public static final String ENVIRONMENT = "ENVIRONMENT";
    /** An external program failed. */
    public static final String TOOL = "TOOL";
    /** A bug: an invariant of liveng itself did not hold. */
    public static final String INTERNAL = "INTERNAL";

    private ErrorCodes() {
    }
}
