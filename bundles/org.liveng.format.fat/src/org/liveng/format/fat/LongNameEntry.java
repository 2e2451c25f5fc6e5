package org.liveng.format.fat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A long file name slot (fatgen103 §7 "FAT Long Directory Entries"). Little-endian;
 * the 13 UCS-2 characters are split over three fields.
 *
 * <pre>
 * off size field
 *   0   1  LDIR_Ord        sequence number 1..20; 0x40 marks the last (physically first) slot
 *   1  10  LDIR_Name1      characters 1-5
 *  11   1  LDIR_Attr       0x0F
 *  12   1  LDIR_Type       0
 *  13   1  LDIR_Chksum     checksum of the short name that follows
 *  14  12  LDIR_Name2      characters 6-11
 *  26   2  LDIR_FstClusLO  0
 *  28   4  LDIR_Name3      characters 12-13
 * </pre>
 *
 * A name is terminated by 0x0000 unless it fills its last slot exactly; the rest of
 * the slot is filled with 0xFFFF.
 *
 * @param ord LDIR_Ord
 * @param chars the 13 UCS-2 code units of this slot
 * @param checksum LDIR_Chksum
 */
public record LongNameEntry(int ord, char[] chars, int checksum) {
    public static final int OFF_ORD = 0;
    public static final int OFF_NAME1 = 1;
    public static final int OFF_ATTR = 11;
    public static final int OFF_TYPE = 12;
    public static final int OFF_CHKSUM = 13;
    public static final int OFF_NAME2 = 14;
    public static final int OFF_FST_CLUS_LO = 26;
    public static final int OFF_NAME3 = 28;
    /** Characters per slot. */
    public static final int CHARS = 13;
    /** LDIR_Ord flag of the last slot of a name. */
    public static final int LAST_LONG_ENTRY = 0x40;
    /** Longest long name, in UCS-2 code units. */
    public static final int MAX_NAME = 255;
    /** Slots of the longest name. */
    public static final int MAX_SLOTS = 20;
    /** Character offsets (in bytes, inside the entry) of the 13 characters. */
    private static final int[] CHAR_OFFSETS = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};

    public LongNameEntry {
        if (chars.length != CHARS) {
            throw new IllegalArgumentException("a long name slot has 13 characters, got " + chars.length);
        }
        chars = chars.clone();
    }

    @Override
    public char[] chars() {
        return chars.clone();
    }

    /** Sequence number without the last-entry flag. */
    public int sequence() {
        return ord & 0x1F;
    }

    public boolean isLast() {
        return (ord & LAST_LONG_ENTRY) != 0;
    }

    public static LongNameEntry parse(ByteBuffer dir, int off) {
        ByteBuffer b = dir.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        char[] c = new char[CHARS];
        for (int i = 0; i < CHARS; i++) {
            c[i] = (char) b.getShort(off + CHAR_OFFSETS[i]);
        }
        return new LongNameEntry(Byte.toUnsignedInt(b.get(off + OFF_ORD)), c, Byte.toUnsignedInt(b.get(off + OFF_CHKSUM)));
    }

    public void encode(ByteBuffer dir, int off) {
        ByteBuffer b = dir.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.put(off + OFF_ORD, (byte) ord);
        b.put(off + OFF_ATTR, (byte) DirectoryEntry.ATTR_LONG_NAME);
        b.put(off + OFF_TYPE, (byte) 0);
        b.put(off + OFF_CHKSUM, (byte) checksum);
        b.putShort(off + OFF_FST_CLUS_LO, (short) 0);
        for (int i = 0; i < CHARS; i++) {
            b.putShort(off + CHAR_OFFSETS[i], (short) chars[i]);
        }
    }

    /**
     * The slots for a long name in on-disk order (highest sequence number, flagged
     * {@link #LAST_LONG_ENTRY}, first).
     */
    public static LongNameEntry[] slotsFor(String name, int checksum) {
        int n = (name.length() + CHARS - 1) / CHARS;
        LongNameEntry[] out = new LongNameEntry[n];
        for (int s = 0; s < n; s++) {
            char[] c = new char[CHARS];
            for (int i = 0; i < CHARS; i++) {
                int k = s * CHARS + i;
                c[i] = k < name.length() ? name.charAt(k) : k == name.length() ? '\0' : '\uFFFF';
            }
            int ord = (s + 1) | (s == n - 1 ? LAST_LONG_ENTRY : 0);
            out[n - 1 - s] = new LongNameEntry(ord, c, checksum);
        }
        return out;
    }
}
