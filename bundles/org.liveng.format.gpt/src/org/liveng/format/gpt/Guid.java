package org.liveng.format.gpt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * A GUID as used by UEFI (UEFI 2.10 Appendix A, "EFI GUID Format"; RFC 4122 §4.1.2).
 *
 * <p>The two components hold the 128 bits in the order of the canonical text form
 * {@code 00112233-4455-6677-8899-AABBCCDDEEFF}. On disk the GUID is mixed-endian:
 *
 * <pre>
 * offset len  field        byte order   text digits
 *   0     4   Data1        little       00112233
 *   4     2   Data2        little       4455
 *   6     2   Data3        little       6677
 *   8     8   Data4        as written   8899-AABBCCDDEEFF
 * </pre>
 *
 * @param mostSignificantBits text digits 1..16 (Data1, Data2, Data3)
 * @param leastSignificantBits text digits 17..32 (Data4)
 */
public record Guid(long mostSignificantBits, long leastSignificantBits) implements Comparable<Guid> {

    /** Length of a GUID on disk. */
    public static final int BYTES = 16;
    /** Length of the canonical text form. */
    public static final int TEXT_LENGTH = 36;
    /** The all-zero GUID; as a partition type it marks an unused entry. */
    public static final Guid ZERO = new Guid(0L, 0L);

    private static final byte[] DERIVE_DOMAIN = "liveng-guid-v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Parses the canonical form {@code 8-4-4-4-12} hexadecimal digits, upper or lower case.
     *
     * @throws IllegalArgumentException when the text is not a canonical GUID
     */
    public static Guid parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() != TEXT_LENGTH) {
            throw new IllegalArgumentException("not a GUID (expected 36 characters like "
                    + "C12A7328-F81F-11D2-BA4B-00A0C93EC93B): '" + text + "'");
        }
        long msb = 0;
        long lsb = 0;
        int digits = 0;
        for (int i = 0; i < TEXT_LENGTH; i++) {
            char c = text.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    throw new IllegalArgumentException("not a GUID: expected '-' at position " + i + " in '" + text + "'");
                }
                continue;
            }
            int v = Character.digit(c, 16);
            if (v < 0 || c > 0x7F) {
                throw new IllegalArgumentException("not a GUID: '" + c + "' at position " + i + " is not a hex digit in '"
                        + text + "'");
            }
            if (digits < 16) {
                msb = (msb << 4) | v;
            } else {
                lsb = (lsb << 4) | v;
            }
            digits++;
        }
        return new Guid(msb, lsb);
    }

    /** Reads the 16 mixed-endian on-disk bytes at {@code offset}. */
    public static Guid fromBytes(byte[] bytes, int offset) {
        Objects.checkFromIndexSize(offset, BYTES, bytes.length);
        ByteBuffer le = ByteBuffer.wrap(bytes, offset, BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long data1 = le.getInt() & 0xFFFF_FFFFL;
        long data2 = le.getShort() & 0xFFFFL;
        long data3 = le.getShort() & 0xFFFFL;
        long data4 = ByteBuffer.wrap(bytes, offset + 8, 8).order(ByteOrder.BIG_ENDIAN).getLong();
        return new Guid((data1 << 32) | (data2 << 16) | data3, data4);
    }

    /** Reads the 16 mixed-endian on-disk bytes. */
    public static Guid fromBytes(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("a GUID is 16 bytes, got " + bytes.length);
        }
        return fromBytes(bytes, 0);
    }

    /** The 16 mixed-endian on-disk bytes. */
    public byte[] toBytes() {
        byte[] b = new byte[BYTES];
        writeTo(b, 0);
        return b;
    }

    /** Writes the 16 mixed-endian on-disk bytes at {@code offset}. */
    public void writeTo(byte[] target, int offset) {
        Objects.checkFromIndexSize(offset, BYTES, target.length);
        ByteBuffer le = ByteBuffer.wrap(target, offset, 8).order(ByteOrder.LITTLE_ENDIAN);
        le.putInt((int) (mostSignificantBits >>> 32));
        le.putShort((short) (mostSignificantBits >>> 16));
        le.putShort((short) mostSignificantBits);
        ByteBuffer.wrap(target, offset + 8, 8).order(ByteOrder.BIG_ENDIAN).putLong(leastSignificantBits);
    }

    /**
     * A deterministic GUID shaped like an RFC 4122 version 4 (random) GUID: the first 16 bytes
     * of SHA-256 over a domain label, the seed and the purpose, with the version and variant
     * bits set. The same seed and purpose always give the same GUID; different purposes give
     * unrelated GUIDs. Used for reproducible images.
     *
     * @param seed the image seed (any length, may be empty)
     * @param purpose what the GUID is for, e.g. {@code "disk"} or {@code "partition/LIVENG_EFI"}
     */
    public static Guid derive(byte[] seed, String purpose) {
        Objects.requireNonNull(seed, "seed");
        Objects.requireNonNull(purpose, "purpose");
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
        sha.update(DERIVE_DOMAIN);
        sha.update((byte) 0);
        sha.update(ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.BIG_ENDIAN).putInt(seed.length).array());
        sha.update(seed);
        sha.update(purpose.getBytes(StandardCharsets.UTF_8));
        return version4(sha.digest());
    }

    /** A random RFC 4122 version 4 GUID from a {@link SecureRandom}. */
    public static Guid random() {
        byte[] b = new byte[BYTES];
        RANDOM.nextBytes(b);
        return version4(b);
    }

    /** Canonical big-endian text order bytes to a GUID with version 4 and the RFC 4122 variant. */
    private static Guid version4(byte[] canonical) {
        ByteBuffer bb = ByteBuffer.wrap(canonical, 0, BYTES).order(ByteOrder.BIG_ENDIAN);
        long msb = bb.getLong();
        long lsb = bb.getLong();
        msb = (msb & ~0xF000L) | 0x4000L;
        lsb = (lsb & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new Guid(msb, lsb);
    }

    /** Converts from {@link UUID} (same text form). */
    public static Guid of(UUID uuid) {
        return new Guid(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
    }

    /** The same value as a {@link UUID} (same text form). */
    public UUID toUuid() {
        return new UUID(mostSignificantBits, leastSignificantBits);
    }

    public boolean isZero() {
        return mostSignificantBits == 0 && leastSignificantBits == 0;
    }

    /** Canonical text, upper case, as UEFI and gdisk print it. */
    @Override
    public String toString() {
        return format(true);
    }

    /** Canonical text, lower case, as blkid and /dev/disk/by-partuuid show it. */
    public String toLowerCaseString() {
        return format(false);
    }

    /** Canonical text in the given case. */
    public String format(boolean upperCase) {
        String s = String.format("%08X-%04X-%04X-%04X-%012X", mostSignificantBits >>> 32,
                (mostSignificantBits >>> 16) & 0xFFFF, mostSignificantBits & 0xFFFF, leastSignificantBits >>> 48,
                leastSignificantBits & 0xFFFF_FFFF_FFFFL);
        return upperCase ? s : s.toLowerCase(Locale.ROOT);
    }

    @Override
    public int compareTo(Guid o) {
        int c = Long.compareUnsigned(mostSignificantBits, o.mostSignificantBits);
        return c != 0 ? c : Long.compareUnsigned(leastSignificantBits, o.leastSignificantBits);
    }
}
