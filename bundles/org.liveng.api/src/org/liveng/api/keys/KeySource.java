package org.liveng.api.keys;

import org.liveng.api.LivengException;
import org.liveng.api.Provider;
import org.liveng.api.Secret;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A place private keys live: {@code file} (PEM PKCS #8 files, optionally passphrase-encrypted) or
 * {@code pkcs11} (an HSM or token; keys never leave it). Signing services ask every installed source
 * whether it {@link #handles} a key reference of the recipe.
 */
@ConsumerType
public interface KeySource extends Provider {

    /** Whether this source understands the reference, e.g. {@code file:/path/db.key} or {@code pkcs11:token=t;object=db}. */
    boolean handles(String keyReference);

    /**
     * Opens a key for signing.
     *
     * @param keyReference the private key (a reference, never key material)
     * @param certificateReference the certificate file, or {@code null} for the source's own (beside the key
     *        file, or on the token under the key's label)
     * @param passphrase the key file's passphrase or the token's PIN, or {@code null} if none is needed;
     *        the caller keeps ownership and closes it
     */
    SigningKey open(String keyReference, String certificateReference, Secret passphrase) throws LivengException;
}
