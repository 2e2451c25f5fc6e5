package org.liveng.format.iso9660;

import java.nio.ByteBuffer;
import java.time.Instant;

import org.liveng.api.FormatException;

/**
 * A directory record (ECMA-119 §9.1).
 *
 * <pre>
 * offset len  field
 *  0      1   length of directory record (LEN_DR)
 *  1      1   extended attribute record length (blocks)
 *  2      8   location of extent (both-endian 32)
 * 10      8   data length (both-endian 32)
 * 18      7   recording date and time (§9.1.5)
 * 25      1   file flags (§9.1.6)
 * 26      1   file unit size
 * 27      1   interleave gap size
 * 28      4   volume sequence number (both-endian 16)
 * 32      1   length of file identifier (LEN_FI)
 * 33  LEN_FI  file identifier; one padding byte follows if LEN_FI is even
 *  ..         system use area (SUSP entries for Rock Ridge) up to LEN_DR
 * </pre>
 *
 * @param offset absolute byte offset of the record in the image
 * @param length LEN_DR
 * @param extAttrLength extended attribute record length in logical blocks
 * @param extentLocation first logical block of the extent
 * @param dataLength data length in bytes
 * @param recorded recording date and time, or {@code null} if unset
 * @param fileFlags the flag byte; see the {@code FLAG_*} constants
 * @param fileUnitSize interleave file unit size (0 if not interleaved)
 * @param interleaveGapSize interleave gap size
 * @param volumeSequenceNumber volume of the volume set holding the extent
 * @param fileIdentifier the raw identifier bytes (0x00 = ".", 0x01 = "..")
 * @param systemUseOffset absolute offset of the system use area
 * @param systemUse the raw system use area
 */
public record DirectoryRecord(long offset, int length, int extAttrLength, long extentLocation, long dataLength,
        Instant recorded, int fileFlags, int fileUnitSize, int interleaveGapSize, int volumeSequenceNumber,
        byte[] fileIdentifier, long systemUseOffset, byte[] systemUse) {

    /** Smallest legal LEN_DR: 33 fixed bytes plus a one-byte identifier. */
    public static final int MIN_LENGTH = 34;
    static final int OFF_LENGTH = 0;
    static final int OFF_XAR_LENGTH = 1;
    static final int OFF_EXTENT = 2;
    static final int OFF_DATA_LENGTH = 10;
    static final int OFF_RECORDED = 18;
    static final int OFF_FLAGS = 25;
    static final int OFF_UNIT_SIZE = 26;
    static final int OFF_GAP = 27;
    static final int OFF_VOLUME_SEQ = 28;
    static final int OFF_ID_LENGTH = 32;
    static final int OFF_ID = 33;

    /** File flag bit 0: existence ("hidden"). */
    public static final int FLAG_HIDDEN = 0x01;
    /** File flag bit 1: directory. */
    public static final int FLAG_DIRECTORY = 0x02;
    /** File flag bit 2: associated file. */
    public static final int FLAG_ASSOCIATED = 0x04;
    /** File flag bit 3: record format in extended attribute record. */
    public static final int FLAG_RECORD = 0x08;
    /** File flag bit 4: protection in extended attribute record. */
    public static final int FLAG_PROTECTION = 0x10;
    /** File flag bit 7: not the final directory record of a multi-extent file. */
    public static final int FLAG_MULTI_EXTENT = 0x80;

    private static final String WHAT = "ISO 9660 directory record";

    /**
     * Parses the record at {@code pos} of {@code b}, which must hold the rest of the logical
     * sector ({@code b.limit()} is the sector or directory end).
     *
     * @param base absolute image offset of {@code b}'s position 0
     */
    static DirectoryRecord parse(ByteBuffer b, int pos, long base) throws FormatException {
        long at = base + pos;
        int avail = b.limit() - pos;
        if (avail < 1) {
            throw new FormatException(at, WHAT + " at offset " + IsoBytes.hex(at) + ": no bytes left in the sector");
        }
        int len = IsoBytes.u8(b, pos + OFF_LENGTH);
        if (len < MIN_LENGTH) {
            throw new FormatException(at, WHAT + " at offset " + IsoBytes.hex(at) + ": length " + len
                    + " is below the minimum " + MIN_LENGTH);
        }
        if (len > avail) {
            throw new FormatException(at, WHAT + " at offset " + IsoBytes.hex(at) + ": length " + len
                    + " runs past the end of its sector or directory (" + avail + " bytes left)");
        }
        int idLen = IsoBytes.u8(b, pos + OFF_ID_LENGTH);
        if (idLen == 0 || OFF_ID + idLen > len) {
            throw new FormatException(at + OFF_ID_LENGTH, WHAT + " at offset " + IsoBytes.hex(at) + ": file identifier length "
                    + idLen + " does not fit: expected 1.." + (len - OFF_ID) + " for record length " + len);
        }
        ByteBuffer r = b.slice(pos, len);
        long extent = IsoBytes.both32(r, OFF_EXTENT, at, WHAT, "location of extent");
        long dataLength = IsoBytes.both32(r, OFF_DATA_LENGTH, at, WHAT, "data length");
        int vsn = IsoBytes.both16(r, OFF_VOLUME_SEQ, at, WHAT, "volume sequence number");
        byte[] id = IsoBytes.bytes(r, OFF_ID, idLen);
        int suStart = OFF_ID + idLen + ((idLen & 1) == 0 ? 1 : 0);
        byte[] su = suStart < len ? IsoBytes.bytes(r, suStart, len - suStart) : new byte[0];
        return new DirectoryRecord(at, len, IsoBytes.u8(r, OFF_XAR_LENGTH), extent, dataLength,
                DecDateTime.parseShort(r, OFF_RECORDED), IsoBytes.u8(r, OFF_FLAGS), IsoBytes.u8(r, OFF_UNIT_SIZE),
                IsoBytes.u8(r, OFF_GAP), vsn, id, at + suStart, su);
    }

    public boolean isDirectory() {
        return (fileFlags & FLAG_DIRECTORY) != 0;
    }

    public boolean isHidden() {
        return (fileFlags & FLAG_HIDDEN) != 0;
    }

    public boolean isAssociated() {
        return (fileFlags & FLAG_ASSOCIATED) != 0;
    }

    public boolean isMultiExtent() {
        return (fileFlags & FLAG_MULTI_EXTENT) != 0;
    }

    /** The "." record (identifier 0x00). */
    public boolean isSelf() {
        return fileIdentifier.length == 1 && fileIdentifier[0] == 0;
    }

    /** The ".." record (identifier 0x01). */
    public boolean isParent() {
        return fileIdentifier.length == 1 && fileIdentifier[0] == 1;
    }
}
