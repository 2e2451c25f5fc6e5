package org.liveng.api.crypt;

import org.liveng.api.LivengException;
import org.liveng.api.Provider;
import org.liveng.api.Support;
import org.liveng.api.distro.InitrdInfo;
import org.liveng.api.recipe.Recipe;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The persistence encryption extension point (default {@code luks2}; also
 * {@code luks1}, {@code none}, {@code cryptsetup}).
 *
 * <p>Contract: {@link #supports} refuses, with reasons, an initrd that could
 * not unlock what {@link #write} would produce (live-boot silently drops
 * encrypted persistence when cryptsetup is missing). {@code write} writes
 * only inside {@code [offset, offset+length)} of the target, never logs the
 * passphrase, and leaves a container that the reference tool (cryptsetup)
 * accepts.
 */
@ConsumerType
public interface PersistenceEncryption extends Provider {

    /** Whether the initrd can unlock this and the recipe's parameters fit. */
    Support supports(Recipe recipe, InitrdInfo initrd);

    /** Whether {@link #write} needs a passphrase. */
    boolean needsPassphrase();

    /**
     * How many bytes of plaintext a partition of {@code partitionBytes} holds:
     * the size of the filesystem to build for it. An encrypting provider
     * subtracts its metadata (LUKS headers and keyslots); the default is the
     * whole partition.
     *
     * @since 0.2
     */
    default long plaintextBytes(Recipe recipe, long partitionBytes) {
        return partitionBytes;
    }

    PersistenceResult write(PersistenceRequest request) throws LivengException;
}
