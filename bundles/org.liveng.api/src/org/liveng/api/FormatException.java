package org.liveng.api;

/**
 * Corrupt, truncated or hostile on-disk data. The message names the structure,
 * the byte offset, and what was expected versus found, for example
 * {@code "ISO 9660 directory record at offset 0x9800: length 3 is below the minimum 34"}.
 */
public class FormatException extends LivengException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    /**
     * @param offset byte offset in the container where the problem was found, or -1 if unknown
     */
    public FormatException(long offset, String message) {
        super(ErrorCodes.FORMAT, message, null, null);
        this.offset = offset;
    }

    public FormatException(long offset, String message, Throwable cause) {
        super(ErrorCodes.FORMAT, message, null, cause);
        this.offset = offset;
    }

    /** Byte offset of the problem, or -1 when it is not tied to one place. */
    public long offset() {
        return offset;
    }
}
