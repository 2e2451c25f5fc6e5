package org.liveng.format.luks2;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The anti-forensic information splitter of LUKS (LUKS1 On-Disk Format
 * Specification 1.2.3, section 2.4; LUKS2 keyslot {@code "af": {"type": "luks1"}}).
 *
 * <p>A key of n bytes becomes {@code stripes} blocks of n bytes; the last
 * block is the key XOR the diffused XOR-chain of all random blocks before it.
 * The diffusion hashes the block in digest-sized pieces, each piece prefixed
 * by its index as a big-endian 32-bit integer.
 */
public final class AntiForensic {
    private AntiForensic() {
    }

    /** Splits {@code key} into {@code key.length * stripes} bytes. */
    public static byte[] split(byte[] key, int stripes, String hash, SecureRandom random) {
        int n = key.length;
        byte[] out = new byte[Math.multiplyExact(n, stripes)];
        byte[] acc = new byte[n];
        MessageDigest md = digest(hash);
        for (int i = 0; i < stripes - 1; i++) {
            byte[] r = new byte[n];
            random.nextBytes(r);
            System.arraycopy(r, 0, out, i * n, n);
            xorInto(acc, r, 0);
            diffuse(acc, md);
            Arrays.fill(r, (byte) 0);
        }
        for (int j = 0; j < n; j++) {
            out[(stripes - 1) * n + j] = (byte) (acc[j] ^ key[j]);
        }
        Arrays.fill(acc, (byte) 0);
        return out;
    }

    /** Merges split material back into the {@code keyLength}-byte key. */
    public static byte[] merge(byte[] material, int keyLength, int stripes, String hash) {
        MessageDigest md = digest(hash);
        byte[] acc = new byte[keyLength];
        for (int i = 0; i < stripes - 1; i++) {
            xorInto(acc, material, i * keyLength);
            diffuse(acc, md);
        }
        byte[] key = new byte[keyLength];
        for (int j = 0; j < keyLength; j++) {
            key[j] = (byte) (acc[j] ^ material[(stripes - 1) * keyLength + j]);
        }
        Arrays.fill(acc, (byte) 0);
        return key;
    }

    private static void xorInto(byte[] acc, byte[] src, int off) {
        for (int j = 0; j < acc.length; j++) {
            acc[j] ^= src[off + j];
        }
    }

    private static void diffuse(byte[] buf, MessageDigest md) {
        int d = md.getDigestLength();
        int blocks = buf.length / d;
        int rest = buf.length % d;
        ByteBuffer iv = ByteBuffer.allocate(4);
        for (int i = 0; i <= blocks; i++) {
            int len = i < blocks ? d : rest;
            if (len == 0) {
                break;
            }
            md.reset();
            md.update(iv.putInt(0, i).array());
            md.update(buf, i * d, len);
            byte[] h = md.digest();
            System.arraycopy(h, 0, buf, i * d, len);
            Arrays.fill(h, (byte) 0);
        }
    }

    /** A JDK digest for a LUKS hash name ({@code sha1}, {@code sha256}, {@code sha512}). */
    static MessageDigest digest(String hash) {
        try {
            return MessageDigest.getInstance(Kdf.jdkDigestName(hash));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
