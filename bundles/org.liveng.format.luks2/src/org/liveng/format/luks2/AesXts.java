package org.liveng.format.luks2;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-XTS (IEEE Std 1619-2007, NIST SP 800-38E) with the dm-crypt
 * {@code plain64} IV: the data unit sequence number is the sector number as a
 * little-endian 64-bit integer, zero-extended to 16 bytes.
 *
 * <p>Whole data units only (LUKS sectors are multiples of 16 bytes, so no
 * ciphertext stealing). The JDK's {@code AES/ECB/NoPadding} (AES-NI) does the
 * block encryptions; the tweaks of a whole batch of sectors are computed
 * first, then the batch goes through the cipher in one call.
 *
 * <p>Not thread-safe. The key is split into K1 (data) and K2 (tweak) halves:
 * 32 bytes is AES-128-XTS, 64 bytes AES-256-XTS.
 */
public final class AesXts implements AutoCloseable {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int BLOCK = 16;
    /** Bytes encrypted per pass: small enough for the L2 cache with their tweaks. */
    private static final int CHUNK = 64 * 1024;

    private final Cipher dataEncrypt;
    private final Cipher dataDecrypt;
    private final Cipher tweakEncrypt;
    private byte[] tweaks = new byte[0];
    private byte[] ivs = new byte[0];

    /** @param key 32 or 64 bytes (K1 || K2); copied, the caller wipes its array */
    public AesXts(byte[] key) {
        if (key.length != 32 && key.length != 64) {
            throw new IllegalArgumentException("AES-XTS needs a 256 or 512-bit key, not " + key.length * 8 + " bits");
        }
        int half = key.length / 2;
        try {
            dataEncrypt = Cipher.getInstance("AES/ECB/NoPadding");
            dataDecrypt = Cipher.getInstance("AES/ECB/NoPadding");
            tweakEncrypt = Cipher.getInstance("AES/ECB/NoPadding");
            byte[] k1 = Arrays.copyOfRange(key, 0, half);
            byte[] k2 = Arrays.copyOfRange(key, half, key.length);
            try {
                dataEncrypt.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k1, "AES"));
                dataDecrypt.init(Cipher.DECRYPT_MODE, new SecretKeySpec(k1, "AES"));
                tweakEncrypt.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k2, "AES"));
            } finally {
                Arrays.fill(k1, (byte) 0);
                Arrays.fill(k2, (byte) 0);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks AES/ECB/NoPadding", e);
        }
    }

    /**
     * Encrypts {@code len} bytes in place: {@code len / sectorSize} data units,
     * the first with sequence number {@code firstSector}, the next ones
     * counting up by one.
     */
    public void encrypt(byte[] buf, int off, int len, long firstSector, int sectorSize) {
        crypt(dataEncrypt, buf, off, len, firstSector, sectorSize, 1);
    }

    /** Decrypts in place; the counterpart of {@link #encrypt}. */
    public void decrypt(byte[] buf, int off, int len, long firstSector, int sectorSize) {
        crypt(dataDecrypt, buf, off, len, firstSector, sectorSize, 1);
    }

    /**
     * Encrypts with sequence numbers {@code firstIv, firstIv + ivStep, ...}: dm-crypt
     * without {@code iv_large_sectors} (LUKS2) numbers 4096-byte sectors in 512-byte
     * units, so the step is 8 there.
     */
    public void encrypt(byte[] buf, int off, int len, long firstIv, int sectorSize, int ivStep) {
        crypt(dataEncrypt, buf, off, len, firstIv, sectorSize, ivStep);
    }

    /** Decrypts in place; the counterpart of {@link #encrypt(byte[], int, int, long, int, int)}. */
    public void decrypt(byte[] buf, int off, int len, long firstIv, int sectorSize, int ivStep) {
        crypt(dataDecrypt, buf, off, len, firstIv, sectorSize, ivStep);
    }

    private void crypt(Cipher c, byte[] buf, int off, int len, long firstSector, int sectorSize, int ivStep) {
        if (sectorSize < BLOCK || sectorSize % BLOCK != 0 || len % sectorSize != 0) {
            throw new IllegalArgumentException("length " + len + " is not a whole number of " + sectorSize + "-byte data units");
        }
        if (len == 0) {
            return;
        }
        // in chunks that stay in the CPU cache between the tweak XOR, AES and the second XOR
        int perChunk = Math.max(1, CHUNK / sectorSize);
        for (int done = 0; done < len; ) {
            int sectors = Math.min(perChunk, (len - done) / sectorSize);
            int n = sectors * sectorSize;
            computeTweaks(sectors, firstSector + (long) (done / sectorSize) * ivStep, sectorSize, ivStep);
            xor(buf, off + done, tweaks, n);
            try {
                c.update(buf, off + done, n, buf, off + done);
            } catch (ShortBufferException e) {
                throw new IllegalStateException(e);
            }
            xor(buf, off + done, tweaks, n);
            done += n;
        }
    }

    /** T(sector, j) = E_K2(sector) * alpha^j in GF(2^128), little-endian. */
    private void computeTweaks(int sectors, long firstSector, int sectorSize, int ivStep) {
        int len = sectors * sectorSize;
        if (tweaks.length < len) {
            tweaks = new byte[len];
        }
        if (ivs.length < sectors * BLOCK) {
            ivs = new byte[sectors * BLOCK];
        }
        for (int s = 0; s < sectors; s++) {
            LONGS.set(ivs, s * BLOCK, firstSector + (long) s * ivStep);
            LONGS.set(ivs, s * BLOCK + 8, 0L);
        }
        try {
            tweakEncrypt.update(ivs, 0, sectors * BLOCK, ivs, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        int blocksPerSector = sectorSize / BLOCK;
        for (int s = 0; s < sectors; s++) {
            long lo = (long) LONGS.get(ivs, s * BLOCK);
            long hi = (long) LONGS.get(ivs, s * BLOCK + 8);
            int p = s * sectorSize;
            for (int j = 0; j < blocksPerSector; j++, p += BLOCK) {
                LONGS.set(tweaks, p, lo);
                LONGS.set(tweaks, p + 8, hi);
                long carry = hi >> 63; // all ones when the top bit is set
                hi = (hi << 1) | (lo >>> 63);
                lo = (lo << 1) ^ (carry & 0x87);
            }
        }
    }

    private static void xor(byte[] buf, int off, byte[] t, int len) {
        for (int i = 0; i < len; i += 8) {
            LONGS.set(buf, off + i, (long) LONGS.get(buf, off + i) ^ (long) LONGS.get(t, i));
        }
    }

    /** Wipes the tweak buffers (the JDK keeps its own key schedule until collected). */
    @Override
    public void close() {
        Arrays.fill(tweaks, (byte) 0);
        Arrays.fill(ivs, (byte) 0);
    }
}
