package org.liveng.api;

import java.util.Arrays;

/**
 * A secret (passphrase, key material) held in a byte array that is wiped on
 * {@link #close()}. It never prints itself: {@link #toString()} is redacted,
 * and it is never put into a String, argv, a log or an exception message.
 */
public final class Secret implements AutoCloseable {
    private final byte[] bytes;
    private final String origin;
    private boolean wiped;

    /**
     * Takes ownership of {@code bytes} (the caller must not keep a copy).
     *
     * @param origin where it came from, safe to print: {@code "file:/path"}, {@code "prompt"}, {@code "stdin"}
     */
    public Secret(byte[] bytes, String origin) {
        this.bytes = bytes;
        this.origin = origin;
    }

    /** A copy of the secret bytes; the caller wipes it after use. */
    public byte[] copy() {
        if (wiped) {
            throw new IllegalStateException("secret from " + origin + " was already wiped");
        }
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    /** Where it came from; never the value. */
    public String origin() {
        return origin;
    }

    @Override
    public void close() {
        Arrays.fill(bytes, (byte) 0);
        wiped = true;
    }

    @Override
    public String toString() {
        return "Secret[" + origin + ", redacted]";
    }
}
