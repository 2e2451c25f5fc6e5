package org.liveng.format.luks2;

/**
 * The result of opening a keyslot with a passphrase: which keyslot matched,
 * and the volume key (wiped by {@link #close()}).
 */
public record Unlocked(int keyslot, VolumeKey key) implements AutoCloseable {
    @Override
    public void close() {
        key.close();
    }
}
