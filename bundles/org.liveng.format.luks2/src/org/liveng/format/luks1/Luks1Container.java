package org.liveng.format.luks1;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.Secret;
import org.liveng.format.luks2.AesXts;
import org.liveng.format.luks2.AntiForensic;
import org.liveng.format.luks2.ContainerRegion;
import org.liveng.format.luks2.CryptChannel;
import org.liveng.format.luks2.Kdf;
import org.liveng.format.luks2.Luks2Container;
import org.liveng.format.luks2.Unlockable;
import org.liveng.format.luks2.Unlocked;
import org.liveng.format.luks2.VolumeKey;

/**
 * A LUKS1 container (LUKS1 On-Disk Format Specification 1.2.3) with
 * {@code aes-xts-plain64}: create, open, unlock, plaintext channel. Key
 * material of slot i lies at its sector offset, encrypted with 512-byte
 * sectors numbered from 0; the payload IVs count 512-byte sectors from the
 * payload offset.
 */
public final class Luks1Container implements Unlockable {
    static final int STRIPES = 4000;
    /** cryptsetup's layout: key material 4 KiB aligned, payload 1 MiB aligned. */
    static final int ALIGN_SECTORS = 8;
    static final int PAYLOAD_ALIGN_SECTORS = 2048;

    private final ContainerRegion region;
    private final Luks1Header header;

    private Luks1Container(ContainerRegion region, Luks1Header header) {
        this.region = region;
        this.header = header;
    }

    /**
     * @param keyBits 256 or 512
     * @param hash sha1, sha256 or sha512 (PBKDF2 and the AF splitter)
     * @param iterations PBKDF2 iterations of key slot 0
     * @param digestIterations PBKDF2 iterations of the volume key digest
     * @param uuid or {@code null} for a random one
     */
    public record Options(int keyBits, String hash, long iterations, long digestIterations, String uuid, SecureRandom random) {
    }

    public static Luks1Container open(ContainerRegion region) throws LivengException {
        return new Luks1Container(region, Luks1Header.parse(region.read(0, Luks1Header.SIZE, "LUKS1 header"), region.length()));
    }

    /** Creates a container with a random volume key and {@code passphrase} in key slot 0. */
    public static Luks1Container create(ContainerRegion region, Options o, Secret passphrase) throws LivengException {
        byte[] vk = new byte[o.keyBits() / 8];
        o.random().nextBytes(vk);
        try (VolumeKey key = new VolumeKey(vk)) {
            return create(region, o, passphrase, key);
        }
    }

    /** Bytes before the payload of a container with a {@code keyBits} volume key (cryptsetup's layout: 2 MiB for 512 bits). */
    public static long payloadBytes(int keyBits) {
        long slotSectors = ceil((long) keyBits / 8 * STRIPES, 512);
        long next = ALIGN_SECTORS;
        for (int i = 0; i < Luks1Header.SLOTS; i++) {
            next = ceil(next + slotSectors, ALIGN_SECTORS) * ALIGN_SECTORS;
        }
        return ceil(next, PAYLOAD_ALIGN_SECTORS) * PAYLOAD_ALIGN_SECTORS * 512;
    }

    /**
     * Creates a container with the given volume key (like {@code cryptsetup
     * luksFormat --volume-key-file}) and {@code passphrase} in key slot 0.
     */
    public static Luks1Container create(ContainerRegion region, Options o, Secret passphrase, VolumeKey key) throws LivengException {
        if (o.keyBits() != 256 && o.keyBits() != 512 || key.length() * 8 != o.keyBits()) {
            throw new LivengException(ErrorCodes.USAGE, "LUKS1 aes-xts-plain64 takes a 256 or 512-bit key, not " + o.keyBits()
                    + " (volume key of " + key.length() * 8 + " bits)");
        }
        Kdf.pbkdf2(o.hash(), o.iterations()).check("LUKS1 key slot");
        int keyBytes = o.keyBits() / 8;
        long slotSectors = ceil((long) keyBytes * STRIPES, 512);
        long next = ALIGN_SECTORS;
        long[] offsets = new long[Luks1Header.SLOTS];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = next;
            next = ceil(next + slotSectors, ALIGN_SECTORS) * ALIGN_SECTORS;
        }
        long payload = payloadBytes(o.keyBits()) / 512;
        if (region.length() < payload * 512 + 512) {
            throw new LivengException(ErrorCodes.USAGE, "a LUKS1 container needs more than " + payload * 512 + " bytes, the region has "
                    + region.length());
        }
        SecureRandom r = o.random();
        byte[] vk = key.copy();
        byte[] digestSalt = new byte[32];
        r.nextBytes(digestSalt);
        byte[] digest = Kdf.pbkdf2(o.hash(), o.digestIterations()).derive(vk, digestSalt, 20);
        String uuid = o.uuid() != null ? o.uuid() : Luks2Container.randomUuid(r);
        List<Luks1Header.Slot> slots = new ArrayList<>();
        for (int i = 0; i < Luks1Header.SLOTS; i++) {
            slots.add(new Luks1Header.Slot(false, 0, new byte[32], offsets[i], STRIPES));
        }
        byte[] salt = new byte[32];
        r.nextBytes(salt);
        slots.set(0, new Luks1Header.Slot(true, o.iterations(), salt, offsets[0], STRIPES));
        Luks1Header h = new Luks1Header("aes", "xts-plain64", o.hash(), payload, keyBytes, digest, digestSalt, o.digestIterations(), uuid,
                List.copyOf(slots));
        region.zero(0, payload * 512, "LUKS1 header and key material");
        byte[] pass = passphrase.copy();
        try {
            byte[] derived = Kdf.pbkdf2(o.hash(), o.iterations()).derive(pass, salt, keyBytes);
            byte[] material = AntiForensic.split(vk, STRIPES, o.hash(), r);
            byte[] sectors = Arrays.copyOf(material, (int) slotSectors * 512);
            try (AesXts x = new AesXts(derived)) {
                x.encrypt(sectors, 0, sectors.length, 0, 512);
            }
            region.write(offsets[0] * 512, sectors, 0, sectors.length, "LUKS1 key slot 0 material");
            Arrays.fill(derived, (byte) 0);
            Arrays.fill(material, (byte) 0);
        } finally {
            Arrays.fill(pass, (byte) 0);
            Arrays.fill(vk, (byte) 0);
        }
        byte[] hb = h.toBytes();
        region.write(0, hb, 0, hb.length, "LUKS1 header");
        return open(region);
    }

    /** Tries every active key slot. */
    @Override
    public Unlocked unlock(byte[] passphrase) throws LivengException {
        List<Integer> tried = new ArrayList<>();
        for (int i = 0; i < Luks1Header.SLOTS; i++) {
            Luks1Header.Slot s = header.slots().get(i);
            if (!s.active()) {
                continue;
            }
            tried.add(i);
            int kb = header.keyBytes();
            byte[] derived = Kdf.pbkdf2(header.hashSpec(), s.iterations()).derive(passphrase, s.salt(), kb);
            int len = (int) ceil((long) kb * s.stripes(), 512) * 512;
            byte[] sectors = region.read(s.materialOffset() * 512, len, "LUKS1 key slot " + i + " material");
            try (AesXts x = new AesXts(derived)) {
                x.decrypt(sectors, 0, len, 0, 512);
            } finally {
                Arrays.fill(derived, (byte) 0);
            }
            byte[] vk = AntiForensic.merge(sectors, kb, s.stripes(), header.hashSpec());
            Arrays.fill(sectors, (byte) 0);
            byte[] check = Kdf.pbkdf2(header.hashSpec(), header.mkDigestIterations()).derive(vk, header.mkDigestSalt(), 20);
            boolean ok = MessageDigest.isEqual(check, header.mkDigest());
            Arrays.fill(check, (byte) 0);
            if (ok) {
                return new Unlocked(i, new VolumeKey(vk));
            }
            Arrays.fill(vk, (byte) 0);
        }
        throw new LivengException(ErrorCodes.USAGE, "no keyslot matches the passphrase (tried LUKS1 key slots " + tried + " of container "
                + header.uuid() + ")", "check the passphrase or key file");
    }

    /** The payload's plaintext (512-byte sectors, IV from 0 at the payload offset). */
    public CryptChannel openData(VolumeKey key) {
        long start = header.payloadOffset() * 512;
        long len = (region.length() - start) / 512 * 512;
        return new CryptChannel(new ContainerRegion(region.channel(), region.offset() + start, len), len, 512, 0, key);
    }

    public Luks1Header header() {
        return header;
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }
}
