package org.liveng.format.luks2;

import java.util.List;

/**
 * A LUKS2 digest of type {@code pbkdf2} (LUKS2 On-Disk Format Specification,
 * section 3.4 "Digests"): PBKDF2 of the volume key, to tell a right key from
 * a wrong one.
 *
 * <pre>
 * "0": { "type": "pbkdf2", "keyslots": ["0"], "segments": ["0"], "hash": "sha256",
 *        "iterations": 1000, "salt": base64 (32 bytes), "digest": base64 (32 bytes) }
 * </pre>
 */
public record Luks2Digest(int id, List<Integer> keyslots, List<Integer> segments, String hash, long iterations, byte[] salt,
        byte[] digest) {
}
