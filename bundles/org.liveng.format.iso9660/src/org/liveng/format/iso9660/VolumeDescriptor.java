package org.liveng.format.iso9660;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.liveng.api.FormatException;

/**
 * A primary (ECMA-119 §8.4) or supplementary (§8.5) volume descriptor. A supplementary
 * descriptor whose escape sequences name UCS-2 ({@code %/@}, {@code %/C}, {@code %/E}) is a
 * Joliet descriptor; its character fields are UCS-2 big-endian.
 *
 * <pre>
 * offset len  field
 *   0     1   volume descriptor type (1 primary, 2 supplementary)
 *   1     5   standard identifier "CD001"
 *   6     1   volume descriptor version (1; 2 for an enhanced SVD)
 *   7     1   unused (PVD) / volume flags (SVD)
 *   8    32   system identifier
 *  40    32   volume identifier
 *  80     8   volume space size (both-endian 32, logical blocks)
 *  88    32   unused (PVD) / escape sequences (SVD)
 * 120     4   volume set size (both-endian 16)
 * 124     4   volume sequence number (both-endian 16)
 * 128     4   logical block size (both-endian 16)
 * 132     8   path table size (both-endian 32)
 * 140     4   location of type L path table (LE 32)
 * 144     4   location of optional type L path table
 * 148     4   location of type M path table (BE 32)
 * 152     4   location of optional type M path table
 * 156    34   directory record for the root directory
 * 190   128   volume set identifier
 * 318   128   publisher identifier
 * 446   128   data preparer identifier
 * 574   128   application identifier
 * 702    37   copyright file identifier
 * 739    37   abstract file identifier
 * 776    37   bibliographic file identifier
 * 813    17   volume creation date and time
 * 830    17   volume modification date and time
 * 847    17   volume expiration date and time
 * 864    17   volume effective date and time
 * 881     1   file structure version
 * </pre>
 *
 * @param offset absolute offset of the descriptor
 * @param type {@link #TYPE_PRIMARY} or {@link #TYPE_SUPPLEMENTARY}
 * @param version the descriptor version
 * @param volumeFlags byte 7 (SVD volume flags; 0 in a PVD)
 * @param escapeSequences bytes 88..119 as ISO-8859-1 text (empty for a PVD), trailing NULs stripped
 * @param jolietLevel 1, 2 or 3 for a Joliet SVD, else 0
 */
public record VolumeDescriptor(long offset, int type, int version, int volumeFlags, String systemId, String volumeId,
        long volumeSpaceSize, String escapeSequences, int jolietLevel, int volumeSetSize, int volumeSequenceNumber,
        int logicalBlockSize, long pathTableSize, long typeLPathTable, long optionalTypeLPathTable,
        long typeMPathTable, long optionalTypeMPathTable, DirectoryRecord rootDirectoryRecord, String volumeSetId,
        String publisherId, String dataPreparerId, String applicationId, String copyrightFileId,
        String abstractFileId, String bibliographicFileId, DecDateTime creation, DecDateTime modification,
        DecDateTime expiration, DecDateTime effective, int fileStructureVersion) {

    /** Volume descriptor type of a boot record (§8.2). */
    public static final int TYPE_BOOT_RECORD = 0;
    /** Volume descriptor type of the primary volume descriptor (§8.4). */
    public static final int TYPE_PRIMARY = 1;
    /** Volume descriptor type of a supplementary volume descriptor (§8.5). */
    public static final int TYPE_SUPPLEMENTARY = 2;
    /** Volume descriptor type of a volume partition descriptor (§8.6). */
    public static final int TYPE_PARTITION = 3;
    /** Volume descriptor type of the set terminator (§8.3). */
    public static final int TYPE_TERMINATOR = 255;
    /** The standard identifier of every descriptor (§8.1.2). */
    public static final String STANDARD_ID = "CD001";
    /** Size of a volume descriptor / logical sector. */
    public static final int SECTOR_SIZE = 2048;
    /** First volume descriptor: logical sector 16 (§6.2.1, system area is sectors 0..15). */
    public static final int FIRST_SECTOR = 16;

    static final int OFF_TYPE = 0;
    static final int OFF_STANDARD_ID = 1;
    static final int OFF_VERSION = 6;
    static final int OFF_FLAGS = 7;
    static final int OFF_SYSTEM_ID = 8;
    static final int OFF_VOLUME_ID = 40;
    static final int OFF_SPACE_SIZE = 80;
    static final int OFF_ESCAPES = 88;
    static final int OFF_SET_SIZE = 120;
    static final int OFF_SEQ_NUMBER = 124;
    static final int OFF_BLOCK_SIZE = 128;
    static final int OFF_PATH_TABLE_SIZE = 132;
    static final int OFF_L_TABLE = 140;
    static final int OFF_OPT_L_TABLE = 144;
    static final int OFF_M_TABLE = 148;
    static final int OFF_OPT_M_TABLE = 152;
    static final int OFF_ROOT = 156;
    static final int OFF_VOLUME_SET_ID = 190;
    static final int OFF_PUBLISHER_ID = 318;
    static final int OFF_PREPARER_ID = 446;
    static final int OFF_APPLICATION_ID = 574;
    static final int OFF_COPYRIGHT_ID = 702;
    static final int OFF_ABSTRACT_ID = 739;
    static final int OFF_BIBLIO_ID = 776;
    static final int OFF_CREATION = 813;
    static final int OFF_MODIFICATION = 830;
    static final int OFF_EXPIRATION = 847;
    static final int OFF_EFFECTIVE = 864;
    static final int OFF_FS_VERSION = 881;

    /** Joliet escape sequences (Joliet specification §3): level 1, 2, 3. */
    static final String[] JOLIET_ESCAPES = {"%/@", "%/C", "%/E"};

    static VolumeDescriptor parse(ByteBuffer b, long base) throws FormatException {
        int type = IsoBytes.u8(b, OFF_TYPE);
        String what = type == TYPE_PRIMARY ? "ISO 9660 primary volume descriptor" : "ISO 9660 supplementary volume descriptor";
        String escapes = new String(IsoBytes.bytes(b, OFF_ESCAPES, 32), StandardCharsets.ISO_8859_1).replaceAll("[\\x00 ]+$", "");
        int joliet = 0;
        int flags = IsoBytes.u8(b, OFF_FLAGS);
        if (type == TYPE_SUPPLEMENTARY && (flags & 1) == 0) {
            for (int i = 0; i < JOLIET_ESCAPES.length; i++) {
                if (escapes.startsWith(JOLIET_ESCAPES[i])) {
                    joliet = i + 1;
                }
            }
        }
        boolean ucs2 = joliet > 0;
        int blockSize = IsoBytes.both16(b, OFF_BLOCK_SIZE, base, what, "logical block size");
        if (blockSize != 512 && blockSize != 1024 && blockSize != 2048) {
            throw new FormatException(base + OFF_BLOCK_SIZE, what + " at offset " + IsoBytes.hex(base)
                    + ": logical block size " + blockSize + " is not one of 512, 1024, 2048");
        }
        ByteBuffer rootArea = b.slice(OFF_ROOT, DirectoryRecord.MIN_LENGTH);
        DirectoryRecord root = DirectoryRecord.parse(rootArea, 0, base + OFF_ROOT);
        if (!root.isSelf() || !root.isDirectory()) {
            throw new FormatException(base + OFF_ROOT, what + " at offset " + IsoBytes.hex(base)
                    + ": root directory record is not a directory record with identifier 0x00");
        }
        return new VolumeDescriptor(base, type, IsoBytes.u8(b, OFF_VERSION), type == TYPE_PRIMARY ? 0 : flags,
                str(b, OFF_SYSTEM_ID, 32, ucs2), str(b, OFF_VOLUME_ID, 32, ucs2),
                IsoBytes.both32(b, OFF_SPACE_SIZE, base, what, "volume space size"),
                type == TYPE_PRIMARY ? "" : escapes, joliet,
                IsoBytes.both16(b, OFF_SET_SIZE, base, what, "volume set size"),
                IsoBytes.both16(b, OFF_SEQ_NUMBER, base, what, "volume sequence number"), blockSize,
                IsoBytes.both32(b, OFF_PATH_TABLE_SIZE, base, what, "path table size"),
                IsoBytes.u32le(b, OFF_L_TABLE), IsoBytes.u32le(b, OFF_OPT_L_TABLE),
                IsoBytes.u32be(b, OFF_M_TABLE), IsoBytes.u32be(b, OFF_OPT_M_TABLE), root,
                str(b, OFF_VOLUME_SET_ID, 128, ucs2), str(b, OFF_PUBLISHER_ID, 128, ucs2),
                str(b, OFF_PREPARER_ID, 128, ucs2), str(b, OFF_APPLICATION_ID, 128, ucs2),
                str(b, OFF_COPYRIGHT_ID, 37, ucs2), str(b, OFF_ABSTRACT_ID, 37, ucs2),
                str(b, OFF_BIBLIO_ID, 37, ucs2), DecDateTime.parse(b, OFF_CREATION),
                DecDateTime.parse(b, OFF_MODIFICATION), DecDateTime.parse(b, OFF_EXPIRATION),
                DecDateTime.parse(b, OFF_EFFECTIVE), IsoBytes.u8(b, OFF_FS_VERSION));
    }

    private static String str(ByteBuffer b, int pos, int len, boolean ucs2) {
        return ucs2 ? IsoBytes.ucs2(b, pos, len) : IsoBytes.text(b, pos, len);
    }

    public boolean isPrimary() {
        return type == TYPE_PRIMARY;
    }

    public boolean isJoliet() {
        return jolietLevel > 0;
    }

    /** Volume space size in bytes. */
    public long volumeSpaceBytes() {
        return volumeSpaceSize * logicalBlockSize;
    }
}
