package org.liveng.format.iso9660;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.liveng.api.FormatException;

/**
 * Splits a directory record's system use area into SUSP entries (IEEE P1281), following
 * continuation areas (CE, §5.1) with a bounded, loop-checked chain and stopping at ST (§5.4).
 * Padding (PD) and unknown entries are kept and left for the caller to ignore.
 */
final class SuspParser {
    /** CE: continuation area. */
    static final String CE = "CE";
    /** ST: SUSP terminator. */
    static final String ST = "ST";
    /** SP: SUSP indicator, only in the first entry of the root's "." record. */
    static final String SP = "SP";
    /** ER: extensions reference. */
    static final String ER = "ER";
    /** Length of a CE entry: header + three both-endian 32-bit fields. */
    static final int CE_LENGTH = 28;
    /** SP check bytes (SUSP §5.3). */
    static final int SP_CHECK_1 = 0xBE;
    static final int SP_CHECK_2 = 0xEF;
    /** Largest continuation area accepted. */
    static final int MAX_CE_LENGTH = 64 * 1024;

    private final ImageChannel img;
    private final int blockSize;
    private final int maxContinuations;

    SuspParser(ImageChannel img, int blockSize, int maxContinuations) {
        this.img = img;
        this.blockSize = blockSize;
        this.maxContinuations = maxContinuations;
    }

    /**
     * All entries of the record's system use area and its continuation areas, in order.
     *
     * @param skip the SP "LEN_SKP" bytes to ignore at the start of the system use area
     */
    List<SuspEntry> entries(DirectoryRecord rec, int skip) throws FormatException {
        List<SuspEntry> out = new ArrayList<>();
        byte[] area = rec.systemUse();
        if (skip >= area.length) {
            return out;
        }
        long areaOffset = rec.systemUseOffset() + skip;
        ByteBuffer b = ByteBuffer.wrap(area, skip, area.length - skip).slice();
        Set<Long> visited = new HashSet<>();
        int hops = 0;
        while (true) {
            SuspEntry ce = parseArea(b, areaOffset, out);
            if (ce == null) {
                return out;
            }
            ByteBuffer d = ce.buffer();
            String what = "SUSP CE entry";
            long block = IsoBytes.both32(d, 0, ce.dataOffset(), what, "block location of continuation area");
            long off = IsoBytes.both32(d, 8, ce.dataOffset(), what, "offset to start of continuation area");
            long len = IsoBytes.both32(d, 16, ce.dataOffset(), what, "length of continuation area");
            if (++hops > maxContinuations) {
                throw new FormatException(ce.offset(), "SUSP CE entry at offset " + IsoBytes.hex(ce.offset())
                        + ": continuation chain of directory record at " + IsoBytes.hex(rec.offset())
                        + " is longer than the limit of " + maxContinuations);
            }
            if (off >= blockSize || len > MAX_CE_LENGTH) {
                throw new FormatException(ce.offset(), "SUSP CE entry at offset " + IsoBytes.hex(ce.offset())
                        + ": continuation area offset " + off + " / length " + len + " out of range (expected offset < "
                        + blockSize + ", length <= " + MAX_CE_LENGTH + ")");
            }
            long abs = block * blockSize + off;
            if (!visited.add(abs)) {
                throw new FormatException(ce.offset(), "SUSP CE entry at offset " + IsoBytes.hex(ce.offset())
                        + ": continuation area at " + IsoBytes.hex(abs) + " was already visited (CE loop)");
            }
            if (len == 0) {
                return out;
            }
            b = img.read(abs, (int) len, "SUSP continuation area");
            areaOffset = abs;
        }
    }

    /** Parses one area into {@code out}; returns its CE entry if any. */
    private static SuspEntry parseArea(ByteBuffer b, long base, List<SuspEntry> out) throws FormatException {
        SuspEntry ce = null;
        int pos = 0;
        int limit = b.limit();
        while (limit - pos >= SuspEntry.HEADER_LENGTH) {
            int c1 = IsoBytes.u8(b, pos);
            int c2 = IsoBytes.u8(b, pos + 1);
            if (c1 == 0 && c2 == 0) {
                break; // zero padding at the end of the area
            }
            int len = IsoBytes.u8(b, pos + 2);
            long at = base + pos;
            if (len < SuspEntry.HEADER_LENGTH || len > limit - pos) {
                throw new FormatException(at, "SUSP entry '" + VolumeDescriptorSet.printable(
                        new String(new byte[] {(byte) c1, (byte) c2}, StandardCharsets.ISO_8859_1))
                        + "' at offset " + IsoBytes.hex(at) + ": length " + len + " is outside 4.." + (limit - pos));
            }
            String sig = new String(new byte[] {(byte) c1, (byte) c2}, StandardCharsets.ISO_8859_1);
            SuspEntry e = new SuspEntry(at, sig, IsoBytes.u8(b, pos + 3),
                    IsoBytes.bytes(b, pos + SuspEntry.HEADER_LENGTH, len - SuspEntry.HEADER_LENGTH));
            pos += len;
            if (ST.equals(sig)) {
                break;
            }
            if (CE.equals(sig)) {
                if (len < CE_LENGTH) {
                    throw new FormatException(at, "SUSP CE entry at offset " + IsoBytes.hex(at) + ": length " + len
                            + ", expected " + CE_LENGTH);
                }
                ce = e;
                continue;
            }
            out.add(e);
        }
        return ce;
    }

    /**
     * The LEN_SKP of an SP entry at the very start of the root "." record's system use area
     * (SUSP §5.3), or -1 if there is none.
     */
    static int spSkip(DirectoryRecord rootSelf) {
        byte[] su = rootSelf.systemUse();
        if (su.length >= 7 && su[0] == 'S' && su[1] == 'P' && (su[2] & 0xFF) >= 7
                && (su[4] & 0xFF) == SP_CHECK_1 && (su[5] & 0xFF) == SP_CHECK_2) {
            return su[6] & 0xFF;
        }
        return -1;
    }
}
