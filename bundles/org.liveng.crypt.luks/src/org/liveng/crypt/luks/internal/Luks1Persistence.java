package org.liveng.crypt.luks.internal;

import java.security.SecureRandom;

import org.liveng.api.LivengException;
import org.liveng.api.Secret;
import org.liveng.api.crypt.PersistenceEncryption;
import org.liveng.format.luks1.Luks1Container;
import org.liveng.format.luks2.ContainerRegion;
import org.liveng.format.luks2.CryptChannel;
import org.liveng.format.luks2.VolumeKey;
import org.liveng.platform.posix.NativeCalls;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code luks1}: LUKS1 for old live-boot and cryptsetup, aes-xts-plain64 with a
 * 512-bit key, PBKDF2-SHA256 keyslot, 512-byte sectors, payload at 2 MiB.
 */
@Component(service = PersistenceEncryption.class, property = "liveng.id=luks1")
public final class Luks1Persistence extends LuksPersistence {
    /** The volume key digest's iterations (cryptsetup's minimum; the digest guards nothing the keyslot does not). */
    static final long DIGEST_ITERATIONS = 1000;

    @Activate
    public Luks1Persistence(@Reference NativeCalls posix) {
        super(posix);
    }

    @Override
    public String id() {
        return "luks1";
    }

    @Override
    public String description() {
        return "LUKS1 (aes-xts-plain64, pbkdf2-sha256) for old live-boot/cryptsetup, written without root or device-mapper";
    }

    @Override
    long dataOffset(LuksParameters p) {
        return Luks1Container.payloadBytes(p.keyBits());
    }

    @Override
    CryptChannel create(ContainerRegion region, LuksParameters p, String uuid, Secret passphrase, VolumeKey key) throws LivengException {
        Luks1Container.Options o = new Luks1Container.Options(p.keyBits(), p.kdf().hash(), p.kdf().iterations(), DIGEST_ITERATIONS, uuid,
                new SecureRandom());
        return Luks1Container.create(region, o, passphrase, key).openData(key);
    }
}
