package org.liveng.format.fat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.liveng.api.FormatException;

/**
 * The FAT32 FSInfo sector (fatgen103 §5 "FAT32 FSInfo Sector Structure and Backup
 * Boot Sector"). Little-endian.
 *
 * <pre>
 * off size field
 *   0   4  FSI_LeadSig    0x41615252
 *   4 480  FSI_Reserved1  zero
 * 484   4  FSI_StrucSig   0x61417272
 * 488   4  FSI_Free_Count free clusters, 0xFFFFFFFF = unknown
 * 492   4  FSI_Nxt_Free   hint where to look for a free cluster, 0xFFFFFFFF = none
 * 496  12  FSI_Reserved2  zero
 * 508   4  FSI_TrailSig   0xAA550000
 * </pre>
 *
 * @param freeCount FSI_Free_Count
 * @param nextFree FSI_Nxt_Free
 */
public record FsInfo(long freeCount, long nextFree) {
    public static final int OFF_LEAD_SIG = 0;
    public static final int OFF_STRUC_SIG = 484;
    public static final int OFF_FREE_COUNT = 488;
    public static final int OFF_NXT_FREE = 492;
    public static final int OFF_TRAIL_SIG = 508;
    public static final int LEAD_SIG = 0x41615252;
    public static final int STRUC_SIG = 0x61417272;
    public static final int TRAIL_SIG = 0xAA550000;
    /** Value of both fields meaning "unknown". */
    public static final long UNKNOWN = 0xFFFFFFFFL;

    /**
     * Parses and validates the sector read at {@code offset}: the three signatures, and a
     * free count that is either unknown or at most {@code countOfClusters}. An out of range
     * next-free hint is kept as is (the spec makes it advisory).
     */
    public static FsInfo parse(ByteBuffer sector, long offset, long countOfClusters) throws FormatException {
        ByteBuffer b = sector.slice().order(ByteOrder.LITTLE_ENDIAN);
        check(b, OFF_LEAD_SIG, LEAD_SIG, "FSI_LeadSig", offset);
        check(b, OFF_STRUC_SIG, STRUC_SIG, "FSI_StrucSig", offset);
        check(b, OFF_TRAIL_SIG, TRAIL_SIG, "FSI_TrailSig", offset);
        long free = Integer.toUnsignedLong(b.getInt(OFF_FREE_COUNT));
        if (free != UNKNOWN && free > countOfClusters) {
            throw new FormatException(offset + OFF_FREE_COUNT, "FAT32 FSInfo FSI_Free_Count at offset " + (offset + OFF_FREE_COUNT)
                    + ": " + free + " is more than the " + countOfClusters + " clusters of the volume");
        }
        return new FsInfo(free, Integer.toUnsignedLong(b.getInt(OFF_NXT_FREE)));
    }

    private static void check(ByteBuffer b, int off, int expected, String field, long base) throws FormatException {
        int v = b.getInt(off);
        if (v != expected) {
            throw new FormatException(base + off, String.format("FAT32 FSInfo %s at offset %d: expected 0x%08X, found 0x%08X",
                    field, base + off, expected, v));
        }
    }

    /** The sector, {@code bytesPerSector} long, with the trail signature also at 508 per fatgen103. */
    public ByteBuffer encode(int bytesPerSector) {
        ByteBuffer b = ByteBuffer.allocate(bytesPerSector).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(OFF_LEAD_SIG, LEAD_SIG);
        b.putInt(OFF_STRUC_SIG, STRUC_SIG);
        b.putInt(OFF_FREE_COUNT, (int) freeCount);
        b.putInt(OFF_NXT_FREE, (int) nextFree);
        b.putInt(OFF_TRAIL_SIG, TRAIL_SIG);
        return b;
    }
}
