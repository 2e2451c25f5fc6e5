package org.liveng.format.fat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A 32-byte short (8.3) directory entry (fatgen103 §6 "FAT Directory Structure").
 * Little-endian.
 *
 * <pre>
 * off size field
 *   0  11  DIR_Name          8 name + 3 extension bytes, space padded; name[0] 0xE5 = free,
 *                            0x00 = free and no entries follow, 0x05 = a real 0xE5
 *  11   1  DIR_Attr          READ_ONLY 0x01 HIDDEN 0x02 SYSTEM 0x04 VOLUME_ID 0x08
 *                            DIRECTORY 0x10 ARCHIVE 0x20; LONG_NAME = 0x0F
 *  12   1  DIR_NTRes         bit 3 (0x08): name part lower case, bit 4 (0x10): extension
 *                            lower case (Windows NT convention, not in fatgen103)
 *  13   1  DIR_CrtTimeTenth
 *  14   2  DIR_CrtTime
 *  16   2  DIR_CrtDate
 *  18   2  DIR_LstAccDate
 *  20   2  DIR_FstClusHI     high word of the first cluster (FAT32; 0 on FAT12/16)
 *  22   2  DIR_WrtTime
 *  24   2  DIR_WrtDate
 *  26   2  DIR_FstClusLO
 *  28   4  DIR_FileSize
 * </pre>
 *
 * @param name the 11 raw name bytes
 */
public record DirectoryEntry(byte[] name, int attributes, int ntRes, int createTimeTenth, int createTime, int createDate,
        int lastAccessDate, long firstCluster, int writeTime, int writeDate, long fileSize) {

    public static final int SIZE = 32;
    public static final int OFF_NAME = 0;
    public static final int OFF_ATTR = 11;
    public static final int OFF_NT_RES = 12;
    public static final int OFF_CRT_TIME_TENTH = 13;
    public static final int OFF_CRT_TIME = 14;
    public static final int OFF_CRT_DATE = 16;
    public static final int OFF_LST_ACC_DATE = 18;
    public static final int OFF_FST_CLUS_HI = 20;
    public static final int OFF_WRT_TIME = 22;
    public static final int OFF_WRT_DATE = 24;
    public static final int OFF_FST_CLUS_LO = 26;
    public static final int OFF_FILE_SIZE = 28;

    public static final int ATTR_READ_ONLY = 0x01;
    public static final int ATTR_HIDDEN = 0x02;
    public static final int ATTR_SYSTEM = 0x04;
    public static final int ATTR_VOLUME_ID = 0x08;
    public static final int ATTR_DIRECTORY = 0x10;
    public static final int ATTR_ARCHIVE = 0x20;
    /** READ_ONLY | HIDDEN | SYSTEM | VOLUME_ID: marks a long name slot. */
    public static final int ATTR_LONG_NAME = 0x0F;

    /** DIR_NTRes bit: the 8-character name part is shown in lower case. */
    public static final int NT_LOWER_BASE = 0x08;
    /** DIR_NTRes bit: the 3-character extension is shown in lower case. */
    public static final int NT_LOWER_EXT = 0x10;

    /** DIR_Name[0] of a free entry. */
    public static final int FREE = 0xE5;
    /** DIR_Name[0] of a free entry after which all entries are free. */
    public static final int END = 0x00;
    /** DIR_Name[0] standing for a name that really starts with 0xE5. */
    public static final int KANJI_E5 = 0x05;

    public DirectoryEntry {
        if (name.length != 11) {
            throw new IllegalArgumentException("short name must be 11 bytes, got " + name.length);
        }
        name = name.clone();
    }

    @Override
    public byte[] name() {
        return name.clone();
    }

    /** Parses the entry at the buffer's absolute index {@code off}. */
    public static DirectoryEntry parse(ByteBuffer dir, int off) {
        ByteBuffer b = dir.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        byte[] n = new byte[11];
        b.get(off + OFF_NAME, n);
        long hi = Short.toUnsignedInt(b.getShort(off + OFF_FST_CLUS_HI));
        long lo = Short.toUnsignedInt(b.getShort(off + OFF_FST_CLUS_LO));
        return new DirectoryEntry(n,
                Byte.toUnsignedInt(b.get(off + OFF_ATTR)),
                Byte.toUnsignedInt(b.get(off + OFF_NT_RES)),
                Byte.toUnsignedInt(b.get(off + OFF_CRT_TIME_TENTH)),
                Short.toUnsignedInt(b.getShort(off + OFF_CRT_TIME)),
                Short.toUnsignedInt(b.getShort(off + OFF_CRT_DATE)),
                Short.toUnsignedInt(b.getShort(off + OFF_LST_ACC_DATE)),
                (hi << 16) | lo,
                Short.toUnsignedInt(b.getShort(off + OFF_WRT_TIME)),
                Short.toUnsignedInt(b.getShort(off + OFF_WRT_DATE)),
                Integer.toUnsignedLong(b.getInt(off + OFF_FILE_SIZE)));
    }

    /** Writes the entry at the buffer's absolute index {@code off}. */
    public void encode(ByteBuffer dir, int off) {
        ByteBuffer b = dir.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.put(off + OFF_NAME, name);
        b.put(off + OFF_ATTR, (byte) attributes);
        b.put(off + OFF_NT_RES, (byte) ntRes);
        b.put(off + OFF_CRT_TIME_TENTH, (byte) createTimeTenth);
        b.putShort(off + OFF_CRT_TIME, (short) createTime);
        b.putShort(off + OFF_CRT_DATE, (short) createDate);
        b.putShort(off + OFF_LST_ACC_DATE, (short) lastAccessDate);
        b.putShort(off + OFF_FST_CLUS_HI, (short) (firstCluster >>> 16));
        b.putShort(off + OFF_WRT_TIME, (short) writeTime);
        b.putShort(off + OFF_WRT_DATE, (short) writeDate);
        b.putShort(off + OFF_FST_CLUS_LO, (short) firstCluster);
        b.putInt(off + OFF_FILE_SIZE, (int) fileSize);
    }

    public boolean isLongNameSlot() {
        return (attributes & 0x3F) == ATTR_LONG_NAME;
    }

    public boolean isVolumeLabel() {
        return !isLongNameSlot() && (attributes & ATTR_VOLUME_ID) != 0;
    }

    public boolean isDirectory() {
        return (attributes & ATTR_DIRECTORY) != 0;
    }

    /** Whether this is the "." or ".." entry of a subdirectory. */
    public boolean isDotEntry() {
        return name[0] == '.' && (name[1] == ' ' || name[1] == '.' && name[2] == ' ');
    }

    /** The modification time (UTC), or {@code null} when the fields are not a valid date. */
    public java.time.Instant modified() {
        return new DosDateTime(writeDate, writeTime, 0).toInstant();
    }

    /** The name as shown: "NAME.EXT", with the DIR_NTRes case bits applied. */
    public String displayName() {
        return ShortNames.display(name, ntRes);
    }
}
