package org.liveng.format.luks2;

import java.security.SecureRandom;

/**
 * How {@link Luks2Container#create} lays out and protects a new container.
 * The defaults match {@code cryptsetup luksFormat --type luks2} (16 KiB
 * headers, 16 MiB metadata, data at 16 MiB) except the costs, which the caller
 * chooses.
 *
 * @param keyBits volume key: 256 (AES-128-XTS) or 512 (AES-256-XTS)
 * @param sectorSize data segment sector size: 512 or 4096 (1024, 2048 also work)
 * @param kdf the first keyslot's KDF
 * @param digestIterations PBKDF2-SHA256 iterations of the volume key digest (cryptsetup's minimum is 1000)
 * @param hdrSize binary header + JSON area, 16 KiB .. 4 MiB
 * @param keyslotsSize bytes of the keyslots area after the two header copies (multiple of 4096)
 * @param dataOffset start of the data segment; 0 for a detached header (data on another device)
 * @param uuid the container UUID (lower-case RFC 4122 text), or {@code null} for a random one
 * @param label up to 47 ASCII characters, or empty
 * @param random source of the volume key, salts and AF stripes; a seeded one gives reproducible containers in tests
 */
public record Luks2Options(int keyBits, int sectorSize, Kdf kdf, long digestIterations, long hdrSize, long keyslotsSize, long dataOffset,
        String uuid, String label, SecureRandom random) {
    public static final long DEFAULT_HDR_SIZE = 16384;
    public static final long DEFAULT_DATA_OFFSET = 16L << 20;

    /** AES-256-XTS, 512-byte sectors, the given KDF, cryptsetup's default layout. */
    public static Luks2Options of(Kdf kdf) {
        return new Luks2Options(512, 512, kdf, 1000, DEFAULT_HDR_SIZE, DEFAULT_DATA_OFFSET - 2 * DEFAULT_HDR_SIZE, DEFAULT_DATA_OFFSET,
                null, "", new SecureRandom());
    }

    public Luks2Options withKeyBits(int bits) {
        return new Luks2Options(bits, sectorSize, kdf, digestIterations, hdrSize, keyslotsSize, dataOffset, uuid, label, random);
    }

    public Luks2Options withSectorSize(int size) {
        return new Luks2Options(keyBits, size, kdf, digestIterations, hdrSize, keyslotsSize, dataOffset, uuid, label, random);
    }

    public Luks2Options withDigestIterations(long iterations) {
        return new Luks2Options(keyBits, sectorSize, kdf, iterations, hdrSize, keyslotsSize, dataOffset, uuid, label, random);
    }

    /** Metadata layout: keyslots area size and data offset (0 = detached header). */
    public Luks2Options withLayout(long keyslots, long data) {
        return new Luks2Options(keyBits, sectorSize, kdf, digestIterations, hdrSize, keyslots, data, uuid, label, random);
    }

    public Luks2Options withUuid(String id) {
        return new Luks2Options(keyBits, sectorSize, kdf, digestIterations, hdrSize, keyslotsSize, dataOffset, id, label, random);
    }

    public Luks2Options withLabel(String text) {
        return new Luks2Options(keyBits, sectorSize, kdf, digestIterations, hdrSize, keyslotsSize, dataOffset, uuid, text, random);
    }

    public Luks2Options withRandom(SecureRandom r) {
        return new Luks2Options(keyBits, sectorSize, kdf, digestIterations, hdrSize, keyslotsSize, dataOffset, uuid, label, r);
    }

    /** Bytes from the container start to the end of the keyslots area. */
    public long metadataSize() {
        return 2 * hdrSize + keyslotsSize;
    }
}
