package org.liveng.format.luks2;

/**
 * A LUKS2 keyslot of type {@code luks2} (LUKS2 On-Disk Format Specification,
 * section 3.2 "Keyslots"): the volume key, split by the anti-forensic
 * splitter, encrypted in a raw area of the keyslots area.
 *
 * <pre>
 * "0": { "type": "luks2", "key_size": 64, "priority": 1 (optional),
 *        "af":   { "type": "luks1", "stripes": 4000, "hash": "sha256" },
 *        "area": { "type": "raw", "offset": "32768", "size": "258048",
 *                  "encryption": "aes-xts-plain64", "key_size": 64 },
 *        "kdf":  { "type": "argon2id", "time": 4, "memory": 1048576, "cpus": 4, "salt": base64 }
 *                | { "type": "pbkdf2", "hash": "sha256", "iterations": 1000, "salt": base64 } }
 * </pre>
 * The area is encrypted with 512-byte sectors numbered from 0 at the area start.
 *
 * @param id keyslot number (0..31)
 * @param keySize volume key bytes
 * @param priority 0 ignore, 1 normal, 2 high
 */
public record Luks2Keyslot(int id, int keySize, int priority, String afHash, int stripes, long areaOffset, long areaSize,
        String areaEncryption, int areaKeySize, Kdf kdf, byte[] kdfSalt) {

    /** Bytes of split key material: {@code keySize * stripes}. */
    public long materialSize() {
        return (long) keySize * stripes;
    }

    /** The material rounded up to whole 512-byte sectors, as encrypted. */
    public long encryptedSize() {
        return (materialSize() + 511) / 512 * 512;
    }

    /** The area size cryptsetup allocates for a key: the encrypted material rounded up to 4096 bytes. */
    public static long areaSizeFor(int keySize, int stripes) {
        long sectors = ((long) keySize * stripes + 511) / 512 * 512;
        return (sectors + 4095) / 4096 * 4096;
    }
}
