package org.liveng.crypt.luks.internal;

import org.liveng.api.LivengException;
import org.liveng.api.Secret;
import org.liveng.api.crypt.PersistenceEncryption;
import org.liveng.format.luks2.ContainerRegion;
import org.liveng.format.luks2.CryptChannel;
import org.liveng.format.luks2.Luks2Container;
import org.liveng.format.luks2.Luks2Options;
import org.liveng.format.luks2.VolumeKey;
import org.liveng.platform.posix.NativeCalls;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code luks2} (the default): LUKS2, aes-xts-plain64 with a 512-bit key,
 * argon2id fitted to {@code persistence.min-ram}, cryptsetup's layout (data at 16 MiB).
 */
@Component(service = PersistenceEncryption.class, property = "liveng.id=luks2")
public final class Luks2Persistence extends LuksPersistence {

    @Activate
    public Luks2Persistence(@Reference NativeCalls posix) {
        super(posix);
    }

    @Override
    public String id() {
        return "luks2";
    }

    @Override
    public String description() {
        return "LUKS2 (aes-xts-plain64, argon2id fitted to the smallest target RAM), written without root or device-mapper";
    }

    @Override
    long dataOffset(LuksParameters p) {
        return Luks2Options.DEFAULT_DATA_OFFSET;
    }

    @Override
    CryptChannel create(ContainerRegion region, LuksParameters p, String uuid, Secret passphrase, VolumeKey key) throws LivengException {
        Luks2Options o = Luks2Options.of(p.kdf()).withKeyBits(p.keyBits()).withSectorSize(p.sectorSize()).withUuid(uuid);
        return Luks2Container.create(region, o, passphrase, key).openData(key);
    }
}
