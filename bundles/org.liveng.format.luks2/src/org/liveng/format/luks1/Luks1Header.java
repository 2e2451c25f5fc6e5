package org.liveng.format.luks1;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.liveng.api.ErrorCodes;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;

/**
 * The LUKS1 partition header (LUKS1 On-Disk Format Specification 1.2.3,
 * section 2.4 "PHDR layout"); integers big-endian, 592 bytes.
 *
 * <pre>
 * offset size field
 *      0    6 magic              "LUKS\xba\xbe"
 *      6    2 version            1
 *      8   32 cipher-name        "aes"
 *     40   32 cipher-mode        "xts-plain64"
 *     72   32 hash-spec          "sha256" (PBKDF2 and AF hash)
 *    104    4 payload-offset     in 512-byte sectors
 *    108    4 key-bytes          32 or 64
 *    112   20 mk-digest          PBKDF2(hash, volume key, salt, iterations), 20 bytes
 *    132   32 mk-digest-salt
 *    164    4 mk-digest-iter
 *    168   40 uuid
 *    208  8*48 key slots: active (0x00AC71F3 / 0x0000DEAD), iterations, salt[32],
 *              key-material-offset (sectors), stripes
 * </pre>
 */
public record Luks1Header(String cipherName, String cipherMode, String hashSpec, long payloadOffset, int keyBytes, byte[] mkDigest,
        byte[] mkDigestSalt, long mkDigestIterations, String uuid, List<Slot> slots) {
    public static final int SIZE = 592;
    public static final byte[] MAGIC = {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe};
    public static final int KEY_ENABLED = 0x00AC71F3;
    public static final int KEY_DISABLED = 0x0000DEAD;
    public static final int SLOTS = 8;
    public static final int OFF_SLOTS = 208;
    public static final int SLOT_SIZE = 48;

    /**
     * A key slot.
     *
     * @param materialOffset in 512-byte sectors
     */
    public record Slot(boolean active, long iterations, byte[] salt, long materialOffset, int stripes) {
    }

    public static Luks1Header parse(byte[] b, long containerLength) throws LivengException {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
        if (!Arrays.equals(Arrays.copyOf(b, 6), MAGIC)) {
            throw new FormatException(0, "LUKS1 header: bad magic " + HexFormat.of().formatHex(b, 0, 6));
        }
        int version = Short.toUnsignedInt(bb.getShort(6));
        if (version != 1) {
            throw new FormatException(6, "LUKS header: version " + version + ", expected 1");
        }
        String cipher = text(b, 8, 32);
        String mode = text(b, 40, 32);
        String hash = text(b, 72, 32);
        if (!"aes".equals(cipher) || !"xts-plain64".equals(mode)) {
            throw new LivengException(ErrorCodes.UNSUPPORTED, "LUKS1 cipher " + cipher + "-" + mode + " is not supported (aes-xts-plain64 is)");
        }
        if (!List.of("sha1", "sha256", "sha512").contains(hash)) {
            throw new LivengException(ErrorCodes.UNSUPPORTED, "LUKS1 hash-spec \"" + hash + "\" is not supported (sha1, sha256, sha512)");
        }
        long payload = Integer.toUnsignedLong(bb.getInt(104));
        int keyBytes = bb.getInt(108);
        if (keyBytes != 32 && keyBytes != 64) {
            throw new FormatException(108, "LUKS1 header: key-bytes " + keyBytes + " does not fit aes-xts-plain64 (32 or 64)");
        }
        if (payload * 512 > containerLength) {
            throw new FormatException(104, "LUKS1 header: payload-offset " + payload + " sectors lies beyond the container of "
                    + containerLength + " bytes");
        }
        long digestIter = Integer.toUnsignedLong(bb.getInt(164));
        if (digestIter < 1 || digestIter > org.liveng.format.luks2.Kdf.MAX_PBKDF2_ITERATIONS) {
            throw new FormatException(164, "LUKS1 header: mk-digest-iter " + digestIter + " out of range");
        }
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) {
            int o = OFF_SLOTS + i * SLOT_SIZE;
            int state = bb.getInt(o);
            if (state != KEY_ENABLED && state != KEY_DISABLED) {
                throw new FormatException(o, "LUKS1 key slot " + i + ": state 0x" + Integer.toHexString(state) + " is neither active nor disabled");
            }
            long iter = Integer.toUnsignedLong(bb.getInt(o + 4));
            long material = Integer.toUnsignedLong(bb.getInt(o + 40));
            int stripes = bb.getInt(o + 44);
            if (state == KEY_ENABLED) {
                if (iter < 1 || iter > org.liveng.format.luks2.Kdf.MAX_PBKDF2_ITERATIONS) {
                    throw new FormatException(o + 4, "LUKS1 key slot " + i + ": iterations " + iter + " out of range");
                }
                if (stripes < 1 || stripes > 65536) {
                    throw new FormatException(o + 44, "LUKS1 key slot " + i + ": stripes " + stripes + " out of range");
                }
                long end = material * 512 + (long) keyBytes * stripes;
                if (material * 512 < SIZE || end > payload * 512) {
                    throw new FormatException(o + 40, "LUKS1 key slot " + i + ": key material [" + material * 512 + ", " + end
                            + ") is not between the header and the payload at " + payload * 512);
                }
            }
            slots.add(new Slot(state == KEY_ENABLED, iter, Arrays.copyOfRange(b, o + 8, o + 40), material, stripes));
        }
        return new Luks1Header(cipher, mode, hash, payload, keyBytes, Arrays.copyOfRange(b, 112, 132), Arrays.copyOfRange(b, 132, 164),
                digestIter, text(b, 168, 40), List.copyOf(slots));
    }

    public byte[] toBytes() {
        byte[] b = new byte[SIZE];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
        bb.put(0, MAGIC);
        bb.putShort(6, (short) 1);
        putText(b, 8, cipherName);
        putText(b, 40, cipherMode);
        putText(b, 72, hashSpec);
        bb.putInt(104, (int) payloadOffset);
        bb.putInt(108, keyBytes);
        System.arraycopy(mkDigest, 0, b, 112, 20);
        System.arraycopy(mkDigestSalt, 0, b, 132, 32);
        bb.putInt(164, (int) mkDigestIterations);
        putText(b, 168, uuid);
        for (int i = 0; i < SLOTS; i++) {
            Slot s = slots.get(i);
            int o = OFF_SLOTS + i * SLOT_SIZE;
            bb.putInt(o, s.active() ? KEY_ENABLED : KEY_DISABLED);
            bb.putInt(o + 4, (int) s.iterations());
            System.arraycopy(s.salt(), 0, b, o + 8, 32);
            bb.putInt(o + 40, (int) s.materialOffset());
            bb.putInt(o + 44, s.stripes());
        }
        return b;
    }

    private static String text(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.US_ASCII);
    }

    private static void putText(byte[] b, int off, String s) {
        byte[] t = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, b, off, t.length);
    }
}
