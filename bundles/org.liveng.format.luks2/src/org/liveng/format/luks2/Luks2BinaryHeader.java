package org.liveng.format.luks2;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

import org.liveng.api.FormatException;

/**
 * The 4096-byte binary header of LUKS2 (LUKS2 On-Disk Format Specification,
 * section 2.1, "LUKS2 binary header"); all integers big-endian.
 *
 * <pre>
 * offset size field
 *      0    6 magic         "LUKS\xba\xbe" (primary) or "SKUL\xba\xbe" (secondary)
 *      6    2 version       2
 *      8    8 hdr_size      binary header + JSON area, 16 KiB .. 4 MiB, a power of two
 *     16    8 seqid         increased on every update; both copies carry the same
 *     24   48 label         NUL-terminated
 *     72   32 checksum_alg  "sha256"
 *    104   64 salt          unique per header copy
 *    168   40 uuid          NUL-terminated text
 *    208   48 subsystem     NUL-terminated
 *    256    8 hdr_offset    where this copy starts: 0 or hdr_size
 *    264  184 (padding)
 *    448   64 csum          checksum_alg over hdr_size bytes with this field zeroed
 *    512 3584 (padding)
 * </pre>
 * The JSON area follows, {@code hdr_size - 4096} bytes, NUL-padded. The
 * secondary copy starts at {@code hdr_size}.
 */
public record Luks2BinaryHeader(boolean primary, int version, long hdrSize, long seqid, String label, String checksumAlg,
        byte[] salt, String uuid, String subsystem, long hdrOffset, byte[] csum) {
    public static final int SIZE = 4096;
    public static final byte[] MAGIC_1ST = {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe};
    public static final byte[] MAGIC_2ND = {'S', 'K', 'U', 'L', (byte) 0xba, (byte) 0xbe};
    public static final int OFF_VERSION = 6;
    public static final int OFF_HDR_SIZE = 8;
    public static final int OFF_SEQID = 16;
    public static final int OFF_LABEL = 24;
    public static final int OFF_CHECKSUM_ALG = 72;
    public static final int OFF_SALT = 104;
    public static final int OFF_UUID = 168;
    public static final int OFF_SUBSYSTEM = 208;
    public static final int OFF_HDR_OFFSET = 256;
    public static final int OFF_CSUM = 448;
    public static final int LABEL_LEN = 48;
    public static final int CHECKSUM_ALG_LEN = 32;
    public static final int SALT_LEN = 64;
    public static final int UUID_LEN = 40;
    public static final int SUBSYSTEM_LEN = 48;
    public static final int CSUM_LEN = 64;
    /** The hdr_size values the specification allows. */
    public static final long[] HDR_SIZES = {16384, 32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4194304};

    public static boolean isValidHdrSize(long size) {
        return Arrays.stream(HDR_SIZES).anyMatch(s -> s == size);
    }

    /**
     * Parses and sanity-checks the first 4096 bytes of a header copy (not the checksum).
     *
     * @param at the copy's offset in the container, for messages
     */
    public static Luks2BinaryHeader parse(byte[] b, long at) throws FormatException {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
        byte[] magic = Arrays.copyOf(b, 6);
        boolean primary = Arrays.equals(magic, MAGIC_1ST);
        if (!primary && !Arrays.equals(magic, MAGIC_2ND)) {
            throw new FormatException(at, "LUKS2 header at offset " + at + ": bad magic " + HexFormat.of().formatHex(magic)
                    + ", expected " + HexFormat.of().formatHex(MAGIC_1ST) + " or " + HexFormat.of().formatHex(MAGIC_2ND));
        }
        int version = Short.toUnsignedInt(bb.getShort(OFF_VERSION));
        if (version != 2) {
            throw new FormatException(at + OFF_VERSION, "LUKS header at offset " + at + ": version " + version + ", expected 2");
        }
        long hdrSize = bb.getLong(OFF_HDR_SIZE);
        if (!isValidHdrSize(hdrSize)) {
            throw new FormatException(at + OFF_HDR_SIZE, "LUKS2 header at offset " + at + ": hdr_size " + Long.toUnsignedString(hdrSize)
                    + " is not one of 16 KiB, 32 KiB, ... 4 MiB");
        }
        String alg = text(b, OFF_CHECKSUM_ALG, CHECKSUM_ALG_LEN);
        if (!"sha256".equals(alg)) {
            throw new FormatException(at + OFF_CHECKSUM_ALG, "LUKS2 header at offset " + at + ": checksum_alg \"" + alg
                    + "\" is not supported (sha256 is)");
        }
        long hdrOffset = bb.getLong(OFF_HDR_OFFSET);
        if (hdrOffset != at) {
            throw new FormatException(at + OFF_HDR_OFFSET, "LUKS2 header at offset " + at + ": hdr_offset says " + Long.toUnsignedString(hdrOffset));
        }
        return new Luks2BinaryHeader(primary, version, hdrSize, bb.getLong(OFF_SEQID), text(b, OFF_LABEL, LABEL_LEN), alg,
                Arrays.copyOfRange(b, OFF_SALT, OFF_SALT + SALT_LEN), text(b, OFF_UUID, UUID_LEN),
                text(b, OFF_SUBSYSTEM, SUBSYSTEM_LEN), hdrOffset, Arrays.copyOfRange(b, OFF_CSUM, OFF_CSUM + CSUM_LEN));
    }

    /**
     * Checks the checksum of a whole copy ({@code hdr_size} bytes: binary header and JSON area).
     */
    public static void verifyChecksum(byte[] whole, long at) throws FormatException {
        byte[] stored = Arrays.copyOfRange(whole, OFF_CSUM, OFF_CSUM + 32);
        byte[] computed = checksum(whole);
        if (!MessageDigest.isEqual(stored, computed)) {
            throw new FormatException(at + OFF_CSUM, "LUKS2 header at offset " + at + ": sha256 checksum mismatch: stored "
                    + HexFormat.of().formatHex(stored) + ", computed " + HexFormat.of().formatHex(computed));
        }
    }

    /** SHA-256 over the copy with the csum field taken as zeros. */
    static byte[] checksum(byte[] whole) {
        MessageDigest md = AntiForensic.digest("sha256");
        md.update(whole, 0, OFF_CSUM);
        md.update(new byte[CSUM_LEN]);
        md.update(whole, OFF_CSUM + CSUM_LEN, whole.length - OFF_CSUM - CSUM_LEN);
        return md.digest();
    }

    /**
     * A complete copy: this binary header, the JSON text NUL-padded to the
     * JSON area, and the checksum filled in.
     */
    public byte[] toBytes(byte[] jsonText) {
        if (jsonText.length >= hdrSize - SIZE) {
            throw new IllegalArgumentException("JSON metadata of " + jsonText.length + " bytes does not fit the "
                    + (hdrSize - SIZE) + "-byte JSON area");
        }
        byte[] b = new byte[(int) hdrSize];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
        bb.put(0, primary ? MAGIC_1ST : MAGIC_2ND);
        bb.putShort(OFF_VERSION, (short) version);
        bb.putLong(OFF_HDR_SIZE, hdrSize);
        bb.putLong(OFF_SEQID, seqid);
        putText(b, OFF_LABEL, LABEL_LEN, label);
        putText(b, OFF_CHECKSUM_ALG, CHECKSUM_ALG_LEN, checksumAlg);
        System.arraycopy(salt, 0, b, OFF_SALT, SALT_LEN);
        putText(b, OFF_UUID, UUID_LEN, uuid);
        putText(b, OFF_SUBSYSTEM, SUBSYSTEM_LEN, subsystem);
        bb.putLong(OFF_HDR_OFFSET, hdrOffset);
        System.arraycopy(jsonText, 0, b, SIZE, jsonText.length);
        System.arraycopy(checksum(b), 0, b, OFF_CSUM, 32);
        return b;
    }

    /** This header as the other copy (magic, offset and salt change). */
    public Luks2BinaryHeader asCopy(boolean primaryCopy, byte[] copySalt, long newSeqid) {
        return new Luks2BinaryHeader(primaryCopy, version, hdrSize, newSeqid, label, checksumAlg, copySalt, uuid, subsystem,
                primaryCopy ? 0 : hdrSize, new byte[CSUM_LEN]);
    }

    static String text(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.US_ASCII);
    }

    static void putText(byte[] b, int off, int len, String s) {
        byte[] t = (s == null ? "" : s).getBytes(StandardCharsets.US_ASCII);
        if (t.length >= len) {
            throw new IllegalArgumentException("\"" + s + "\" is longer than " + (len - 1) + " characters");
        }
        System.arraycopy(t, 0, b, off, t.length);
    }
}
