package org.liveng.format.gpt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * One of the four 16-byte partition records of an MBR (UEFI 2.10 §5.2.1 Table 5.2, and for the
 * protective MBR §5.2.3 Table 5.4).
 *
 * <pre>
 * offset len  field          protective MBR value
 *   0     1   BootIndicator  0x00
 *   1     3   StartingCHS    0x000200
 *   4     1   OSType         0xEE (GPT protective)
 *   5     3   EndingCHS      CHS of the last LBA, 0xFFFFFF when not representable
 *   8     4   StartingLBA    1 (little endian)
 *  12     4   SizeInLBA      disk size in LBAs minus one, capped at 0xFFFFFFFF (little endian)
 * </pre>
 *
 * CHS values are the three on-disk bytes read as a little-endian number, which is how the
 * UEFI specification writes them (0x000200 is head 0, sector 2, cylinder 0).
 */
public record MbrPartitionRecord(int bootIndicator, int startingChs, int osType, int endingChs, long startingLba,
        long sizeInLba) {

    public static final int SIZE = 16;
    /** OSType of the GPT protective partition. */
    public static final int OS_TYPE_GPT_PROTECTIVE = 0xEE;
    /** OSType of an EFI System Partition in a plain MBR. */
    public static final int OS_TYPE_EFI_SYSTEM = 0xEF;
    /** StartingCHS of the protective partition (LBA 1). */
    public static final int PROTECTIVE_STARTING_CHS = 0x000200;
    /** CHS value for "not representable". */
    public static final int CHS_NOT_REPRESENTABLE = 0xFFFFFF;
    /** Largest StartingLBA / SizeInLBA. */
    public static final long MAX_U32 = 0xFFFF_FFFFL;
    /** An all-zero, unused record. */
    public static final MbrPartitionRecord EMPTY = new MbrPartitionRecord(0, 0, 0, 0, 0, 0);

    private static final int HEADS = 255;
    private static final int SECTORS_PER_TRACK = 63;
    private static final int MAX_CYLINDER = 1023;

    public MbrPartitionRecord {
        check("BootIndicator", bootIndicator, 0xFF);
        check("StartingCHS", startingChs, 0xFFFFFF);
        check("OSType", osType, 0xFF);
        check("EndingCHS", endingChs, 0xFFFFFF);
        if (startingLba < 0 || startingLba > MAX_U32 || sizeInLba < 0 || sizeInLba > MAX_U32) {
            throw new IllegalArgumentException("MBR StartingLBA/SizeInLBA must fit 32 bits: " + startingLba + ", " + sizeInLba);
        }
    }

    private static void check(String field, int v, int max) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException("MBR " + field + " " + v + " is outside 0.." + max);
        }
    }

    /** The protective record for a disk of {@code totalSectors} logical blocks. */
    public static MbrPartitionRecord protective(long totalSectors) {
        long lastLba = totalSectors - 1;
        return new MbrPartitionRecord(0, PROTECTIVE_STARTING_CHS, OS_TYPE_GPT_PROTECTIVE, chs(lastLba), 1,
                Math.min(lastLba, MAX_U32));
    }

    /**
     * CHS address of an LBA in the conventional 255 heads / 63 sectors geometry, or
     * {@link #CHS_NOT_REPRESENTABLE} beyond cylinder 1023.
     */
    public static int chs(long lba) {
        long perCylinder = (long) HEADS * SECTORS_PER_TRACK;
        long cylinder = lba / perCylinder;
        if (lba < 0 || cylinder > MAX_CYLINDER) {
            return CHS_NOT_REPRESENTABLE;
        }
        int head = (int) ((lba / SECTORS_PER_TRACK) % HEADS);
        int sector = (int) (lba % SECTORS_PER_TRACK) + 1;
        int b0 = head;
        int b1 = sector | (int) ((cylinder >>> 8) & 0x3) << 6;
        int b2 = (int) (cylinder & 0xFF);
        return b0 | b1 << 8 | b2 << 16;
    }

    public boolean isEmpty() {
        return osType == 0 && sizeInLba == 0 && startingLba == 0;
    }

    /** Reads a record at {@code offset}. */
    public static MbrPartitionRecord parse(byte[] sector, int offset) {
        Objects.checkFromIndexSize(offset, SIZE, sector.length);
        ByteBuffer le = ByteBuffer.wrap(sector, offset, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int boot = le.get() & 0xFF;
        int startChs = chsAt(le);
        int type = le.get() & 0xFF;
        int endChs = chsAt(le);
        long start = le.getInt() & MAX_U32;
        long size = le.getInt() & MAX_U32;
        return new MbrPartitionRecord(boot, startChs, type, endChs, start, size);
    }

    private static int chsAt(ByteBuffer le) {
        int b0 = le.get() & 0xFF;
        int b1 = le.get() & 0xFF;
        int b2 = le.get() & 0xFF;
        return b0 | b1 << 8 | b2 << 16;
    }

    /** Writes the record at {@code offset}. */
    public void writeTo(byte[] sector, int offset) {
        Objects.checkFromIndexSize(offset, SIZE, sector.length);
        ByteBuffer le = ByteBuffer.wrap(sector, offset, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        le.put((byte) bootIndicator);
        putChs(le, startingChs);
        le.put((byte) osType);
        putChs(le, endingChs);
        le.putInt((int) startingLba);
        le.putInt((int) sizeInLba);
    }

    private static void putChs(ByteBuffer le, int chs) {
        le.put((byte) chs);
        le.put((byte) (chs >>> 8));
        le.put((byte) (chs >>> 16));
    }
}
