package org.liveng.format.luks2;

import java.util.Arrays;

import org.liveng.api.LivengException;
import org.liveng.api.Secret;

/** A LUKS container that a passphrase or key file opens. */
public interface Unlockable {

    /**
     * Unlocks with passphrase or key file bytes (a key file is its whole
     * content, as {@code cryptsetup --key-file} reads it); none of the
     * keyslots matching is a {@code USAGE} error.
     */
    Unlocked unlock(byte[] passphrase) throws LivengException;

    /** Unlocks with a passphrase; the copy taken from {@code passphrase} is wiped. */
    default Unlocked unlock(Secret passphrase) throws LivengException {
        byte[] p = passphrase.copy();
        try {
            return unlock(p);
        } finally {
            Arrays.fill(p, (byte) 0);
        }
    }
}
