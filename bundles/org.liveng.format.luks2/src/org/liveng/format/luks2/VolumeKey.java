package org.liveng.format.luks2;

import java.util.Arrays;

/**
 * The volume (master) key of a LUKS container, wiped on {@link #close()}.
 * Never printed: {@link #toString()} gives only its size.
 */
public final class VolumeKey implements AutoCloseable {
    private final byte[] key;
    private boolean wiped;

    /** Takes ownership of {@code key}. */
    public VolumeKey(byte[] key) {
        this.key = key;
    }

    /** A copy; the caller wipes it. */
    public byte[] copy() {
        if (wiped) {
            throw new IllegalStateException("volume key was already wiped");
        }
        return key.clone();
    }

    public int length() {
        return key.length;
    }

    /** An AES-XTS cipher keyed with this key. */
    public AesXts xts() {
        byte[] k = copy();
        try {
            return new AesXts(k);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    @Override
    public void close() {
        Arrays.fill(key, (byte) 0);
        wiped = true;
    }

    @Override
    public String toString() {
        return "VolumeKey[" + key.length * 8 + " bits, redacted]";
    }
}
