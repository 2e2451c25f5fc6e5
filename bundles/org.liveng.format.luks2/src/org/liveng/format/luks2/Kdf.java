package org.liveng.format.luks2;

import java.util.Arrays;
import java.util.Locale;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;

/**
 * A password-based key derivation of a LUKS keyslot or digest: PBKDF2
 * (RFC 8018, HMAC with {@code hash}) or Argon2i/Argon2id (RFC 9106, version
 * 0x13, no secret or associated data), as LUKS2's {@code "kdf"} object names them.
 *
 * <p>Passphrases are bytes (PBKDF2 through Bouncy Castle, which takes bytes;
 * the JDK's PBKDF2 would take chars). Costs read from a header are bounded
 * ({@link #check}) before any memory is allocated.
 *
 * @param type {@code pbkdf2}, {@code argon2i} or {@code argon2id}
 * @param hash PBKDF2 hash ({@code sha1}, {@code sha256}, {@code sha512}); {@code null} for Argon2
 * @param iterations PBKDF2 iterations, or Argon2 time cost
 * @param memoryKiB Argon2 memory cost in KiB; 0 for PBKDF2
 * @param cpus Argon2 parallelism; 0 for PBKDF2
 */
public record Kdf(String type, String hash, long iterations, long memoryKiB, int cpus) {
    public static final String PBKDF2 = "pbkdf2";
    public static final String ARGON2I = "argon2i";
    public static final String ARGON2ID = "argon2id";
    /** Argon2 memory above this (4 GiB) is refused: no USB stick needs it, and a hostile header must not get it. */
    public static final long MAX_ARGON2_MEMORY_KIB = 4L * 1024 * 1024;
    public static final long MAX_ARGON2_TIME = 1000;
    public static final int MAX_ARGON2_CPUS = 64;
    /** PBKDF2 iterations above this are refused (minutes of CPU; cryptsetup's benchmark gives a few million). */
    public static final long MAX_PBKDF2_ITERATIONS = 100_000_000L;

    public static Kdf pbkdf2(String hash, long iterations) {
        return new Kdf(PBKDF2, hash, iterations, 0, 0);
    }

    public static Kdf argon2id(long time, long memoryKiB, int cpus) {
        return new Kdf(ARGON2ID, null, time, memoryKiB, cpus);
    }

    public static Kdf argon2i(long time, long memoryKiB, int cpus) {
        return new Kdf(ARGON2I, null, time, memoryKiB, cpus);
    }

    public boolean isArgon2() {
        return ARGON2I.equals(type) || ARGON2ID.equals(type);
    }

    /**
     * Refuses unknown types and costs that would hang or exhaust memory.
     *
     * @param where what is being checked, for the message (e.g. "keyslot 0 kdf")
     */
    public void check(String where) throws LivengException {
        if (PBKDF2.equals(type)) {
            if (!isKnownHash(hash)) {
                throw new LivengException(ErrorCodes.UNSUPPORTED, where + ": unsupported PBKDF2 hash \"" + hash
                        + "\" (supported: sha1, sha256, sha512)");
            }
            if (iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
                throw new LivengException(ErrorCodes.FORMAT, where + ": PBKDF2 iterations " + iterations
                        + " outside 1.." + MAX_PBKDF2_ITERATIONS);
            }
        } else if (isArgon2()) {
            if (memoryKiB < 8 || memoryKiB > MAX_ARGON2_MEMORY_KIB) {
                throw new LivengException(ErrorCodes.FORMAT, where + ": Argon2 memory " + memoryKiB + " KiB outside 8.."
                        + MAX_ARGON2_MEMORY_KIB + " KiB (4 GiB)", "the header is corrupt or was not made for this machine");
            }
            if (iterations < 1 || iterations > MAX_ARGON2_TIME) {
                throw new LivengException(ErrorCodes.FORMAT, where + ": Argon2 time cost " + iterations + " outside 1.." + MAX_ARGON2_TIME);
            }
            if (cpus < 1 || cpus > MAX_ARGON2_CPUS) {
                throw new LivengException(ErrorCodes.FORMAT, where + ": Argon2 parallelism " + cpus + " outside 1.." + MAX_ARGON2_CPUS);
            }
        } else {
            throw new LivengException(ErrorCodes.UNSUPPORTED, where + ": unknown KDF type \"" + type
                    + "\" (supported: pbkdf2, argon2i, argon2id)");
        }
    }

    /**
     * Derives {@code length} bytes; the caller wipes the result.
     *
     * @param passphrase not modified, not kept
     */
    public byte[] derive(byte[] passphrase, byte[] salt, int length) throws LivengException {
        check("KDF");
        if (PBKDF2.equals(type)) {
            PKCS5S2ParametersGenerator g = new PKCS5S2ParametersGenerator(bcDigest(hash));
            byte[] p = passphrase.clone();
            try {
                g.init(p, salt, (int) iterations);
                KeyParameter kp = (KeyParameter) g.generateDerivedParameters(length * 8);
                return kp.getKey().clone();
            } finally {
                Arrays.fill(p, (byte) 0);
            }
        }
        long needed = memoryKiB * 1024;
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (needed > available) {
            throw new LivengException(ErrorCodes.ENVIRONMENT, "Argon2 needs " + (needed >> 20) + " MiB of memory but the Java heap has only "
                    + (available >> 20) + " MiB free", "raise the heap limit (-Xmx) or use a container with a smaller Argon2 memory cost");
        }
        Argon2Parameters params = new Argon2Parameters.Builder(ARGON2ID.equals(type) ? Argon2Parameters.ARGON2_id : Argon2Parameters.ARGON2_i)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withIterations((int) iterations)
                .withMemoryAsKB((int) memoryKiB)
                .withParallelism(cpus)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(params);
        byte[] out = new byte[length];
        g.generateBytes(passphrase, out);
        return out;
    }

    static boolean isKnownHash(String hash) {
        return "sha1".equals(hash) || "sha256".equals(hash) || "sha512".equals(hash);
    }

    static String jdkDigestName(String hash) {
        return switch (hash == null ? "" : hash.toLowerCase(Locale.ROOT)) {
        case "sha1" -> "SHA-1";
        case "sha256" -> "SHA-256";
        case "sha512" -> "SHA-512";
        default -> throw new IllegalArgumentException("unsupported hash " + hash);
        };
    }

    private static Digest bcDigest(String hash) {
        return switch (hash) {
        case "sha1" -> new SHA1Digest();
        case "sha256" -> new SHA256Digest();
        case "sha512" -> new SHA512Digest();
        default -> throw new IllegalArgumentException("unsupported hash " + hash);
        };
    }
}
