package org.liveng.format.gpt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32;

import org.liveng.api.FormatException;

/**
 * A GPT header (UEFI 2.10 §5.3.2, Table 5.5 "GPT Header"). The primary header is in LBA 1, the
 * backup header in the last LBA of the disk; each names the other in AlternateLBA. All numbers
 * are little endian.
 *
 * <pre>
 * offset len  field
 *   0     8   Signature "EFI PART"
 *   8     4   Revision 0x00010000 (1.0)
 *  12     4   HeaderSize, 92 .. logical block size
 *  16     4   HeaderCRC32, CRC32 of HeaderSize bytes with this field zeroed
 *  20     4   Reserved, zero
 *  24     8   MyLBA
 *  32     8   AlternateLBA
 *  40     8   FirstUsableLBA
 *  48     8   LastUsableLBA (inclusive)
 *  56    16   DiskGUID (mixed endian, see {@link Guid})
 *  72     8   PartitionEntryLBA
 *  80     4   NumberOfPartitionEntries
 *  84     4   SizeOfPartitionEntry, 128 * 2^n
 *  88     4   PartitionEntryArrayCRC32
 *  92   ...   reserved up to the end of the block, zero
 * </pre>
 *
 * Unsigned 32-bit fields are held in {@code long}s; 64-bit LBAs as read (a value with the top
 * bit set is negative here and is rejected by the reader as beyond the disk).
 */
public record GptHeader(int revision, int headerSize, int headerCrc32, int reserved, long myLba, long alternateLba,
        long firstUsableLba, long lastUsableLba, Guid diskGuid, long partitionEntryLba, long numberOfPartitionEntries,
        long sizeOfPartitionEntry, int partitionEntryArrayCrc32) {

    /** "EFI PART". */
    public static final byte[] SIGNATURE = "EFI PART".getBytes(StandardCharsets.US_ASCII);
    /** Revision 1.0. */
    public static final int REVISION_1_0 = 0x0001_0000;
    /** HeaderSize written by liveng, and the minimum accepted. */
    public static final int HEADER_SIZE = 92;
    /** The usual NumberOfPartitionEntries; the array then takes 16 KiB. */
    public static final int DEFAULT_ENTRY_COUNT = 128;
    /** The usual SizeOfPartitionEntry. */
    public static final int DEFAULT_ENTRY_SIZE = GptPartition.ENTRY_SIZE;
    /** The primary header's LBA. */
    public static final long PRIMARY_LBA = 1;

    public static final int OFFSET_SIGNATURE = 0;
    public static final int OFFSET_REVISION = 8;
    public static final int OFFSET_HEADER_SIZE = 12;
    public static final int OFFSET_HEADER_CRC32 = 16;
    public static final int OFFSET_RESERVED = 20;
    public static final int OFFSET_MY_LBA = 24;
    public static final int OFFSET_ALTERNATE_LBA = 32;
    public static final int OFFSET_FIRST_USABLE_LBA = 40;
    public static final int OFFSET_LAST_USABLE_LBA = 48;
    public static final int OFFSET_DISK_GUID = 56;
    public static final int OFFSET_PARTITION_ENTRY_LBA = 72;
    public static final int OFFSET_NUMBER_OF_PARTITION_ENTRIES = 80;
    public static final int OFFSET_SIZE_OF_PARTITION_ENTRY = 84;
    public static final int OFFSET_PARTITION_ENTRY_ARRAY_CRC32 = 88;

    public GptHeader {
        Objects.requireNonNull(diskGuid, "diskGuid");
    }

    /** Bytes in the partition entry array, {@code NumberOfPartitionEntries * SizeOfPartitionEntry}. */
    public long entryArrayBytes() {
        return numberOfPartitionEntries * sizeOfPartitionEntry;
    }

    /** Logical blocks the partition entry array occupies. */
    public long entryArraySectors(int sectorSize) {
        return ceilDiv(entryArrayBytes(), sectorSize);
    }

    /** Logical blocks of the default 128 x 128 byte entry array. */
    public static long defaultEntryArraySectors(int sectorSize) {
        return ceilDiv((long) DEFAULT_ENTRY_COUNT * DEFAULT_ENTRY_SIZE, sectorSize);
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** Whether this is the header in LBA 1. */
    public boolean isPrimary() {
        return myLba == PRIMARY_LBA;
    }

    /**
     * The header of {@code disk} with the default 128 x 128 byte entry array; the primary one
     * (LBA 1, array from LBA 2) or the backup one (last LBA, array just before it).
     */
    public static GptHeader of(GptDisk disk, boolean primary, int entryArrayCrc32) {
        long last = disk.totalSectors() - 1;
        long arraySectors = defaultEntryArraySectors(disk.sectorSize());
        long my = primary ? PRIMARY_LBA : last;
        long alternate = primary ? last : PRIMARY_LBA;
        long entryLba = primary ? PRIMARY_LBA + 1 : last - arraySectors;
        GptHeader h = new GptHeader(REVISION_1_0, HEADER_SIZE, 0, 0, my, alternate, disk.firstUsableLba(),
                disk.lastUsableLba(), disk.diskGuid(), entryLba, DEFAULT_ENTRY_COUNT, DEFAULT_ENTRY_SIZE, entryArrayCrc32);
        return h.withHeaderCrc32(h.computeHeaderCrc32());
    }

    /** A copy with another HeaderCRC32. */
    public GptHeader withHeaderCrc32(int crc) {
        return new GptHeader(revision, headerSize, crc, reserved, myLba, alternateLba, firstUsableLba, lastUsableLba,
                diskGuid, partitionEntryLba, numberOfPartitionEntries, sizeOfPartitionEntry, partitionEntryArrayCrc32);
    }

    /**
     * The CRC32 over the first HeaderSize bytes as {@link #toBytes} lays them out, with
     * HeaderCRC32 zeroed (bytes after offset 92 are zero).
     */
    public int computeHeaderCrc32() {
        if (headerSize < HEADER_SIZE || headerSize > 65536) {
            throw new IllegalStateException("HeaderSize " + headerSize + " is outside 92..65536");
        }
        byte[] b = toBytes(headerSize);
        return crcWithFieldZeroed(b, headerSize);
    }

    private static int crcWithFieldZeroed(byte[] block, int length) {
        byte[] copy = Arrays.copyOf(block, length);
        Arrays.fill(copy, OFFSET_HEADER_CRC32, OFFSET_HEADER_CRC32 + 4, (byte) 0);
        return crc32(copy, 0, length);
    }

    /** CRC32 (ISO-HDLC / IEEE 802.3, as used by UEFI) of a byte range. */
    public static int crc32(byte[] b, int offset, int length) {
        CRC32 c = new CRC32();
        c.update(b, offset, length);
        return (int) c.getValue();
    }

    /** The fields laid out in a zeroed block of {@code blockSize} bytes, exactly as they are. */
    public byte[] toBytes(int blockSize) {
        if (blockSize < HEADER_SIZE) {
            throw new IllegalArgumentException("block of " + blockSize + " bytes cannot hold a GPT header");
        }
        byte[] b = new byte[blockSize];
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        le.put(OFFSET_SIGNATURE, SIGNATURE);
        le.putInt(OFFSET_REVISION, revision);
        le.putInt(OFFSET_HEADER_SIZE, headerSize);
        le.putInt(OFFSET_HEADER_CRC32, headerCrc32);
        le.putInt(OFFSET_RESERVED, reserved);
        le.putLong(OFFSET_MY_LBA, myLba);
        le.putLong(OFFSET_ALTERNATE_LBA, alternateLba);
        le.putLong(OFFSET_FIRST_USABLE_LBA, firstUsableLba);
        le.putLong(OFFSET_LAST_USABLE_LBA, lastUsableLba);
        diskGuid.writeTo(b, OFFSET_DISK_GUID);
        le.putLong(OFFSET_PARTITION_ENTRY_LBA, partitionEntryLba);
        le.putInt(OFFSET_NUMBER_OF_PARTITION_ENTRIES, (int) numberOfPartitionEntries);
        le.putInt(OFFSET_SIZE_OF_PARTITION_ENTRY, (int) sizeOfPartitionEntry);
        le.putInt(OFFSET_PARTITION_ENTRY_ARRAY_CRC32, partitionEntryArrayCrc32);
        return b;
    }

    /**
     * Parses and checks the header in the logical block {@code block} read from LBA {@code lba}:
     * signature, revision, HeaderSize and HeaderCRC32. Field consistency with the disk is the
     * reader's business.
     *
     * @param byteOffset where the block starts on the disk, for messages
     * @throws FormatException naming the LBA and the byte offset of the bad field
     */
    public static GptHeader parse(byte[] block, long lba, long byteOffset) throws FormatException {
        if (block.length < HEADER_SIZE) {
            throw new FormatException(byteOffset, "GPT header at LBA " + lba + ": block of " + block.length
                    + " bytes is smaller than the " + HEADER_SIZE + " byte header");
        }
        ByteBuffer le = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
        if (!Arrays.equals(block, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
            throw new FormatException(byteOffset, "GPT header signature at LBA " + lba + ": expected \"EFI PART\", found "
                    + printable(block, 0, SIGNATURE.length));
        }
        int revision = le.getInt(OFFSET_REVISION);
        if ((revision >>> 16) != 1) {
            throw new FormatException(byteOffset + OFFSET_REVISION, String.format(
                    "GPT header revision at LBA %d: expected 0x%08X (1.0), found 0x%08X", lba, REVISION_1_0, revision));
        }
        int headerSize = le.getInt(OFFSET_HEADER_SIZE);
        if (headerSize < HEADER_SIZE || headerSize > block.length) {
            throw new FormatException(byteOffset + OFFSET_HEADER_SIZE, "GPT HeaderSize at LBA " + lba + ": expected "
                    + HEADER_SIZE + ".." + block.length + " (the block size), found " + Integer.toUnsignedString(headerSize));
        }
        int stored = le.getInt(OFFSET_HEADER_CRC32);
        int computed = crcWithFieldZeroed(block, headerSize);
        if (stored != computed) {
            throw new FormatException(byteOffset + OFFSET_HEADER_CRC32, String.format(
                    "GPT header CRC mismatch at LBA %d: expected 0x%08X, computed 0x%08X", lba, stored, computed));
        }
        return new GptHeader(revision, headerSize, stored, le.getInt(OFFSET_RESERVED), le.getLong(OFFSET_MY_LBA),
                le.getLong(OFFSET_ALTERNATE_LBA), le.getLong(OFFSET_FIRST_USABLE_LBA), le.getLong(OFFSET_LAST_USABLE_LBA),
                Guid.fromBytes(block, OFFSET_DISK_GUID), le.getLong(OFFSET_PARTITION_ENTRY_LBA),
                le.getInt(OFFSET_NUMBER_OF_PARTITION_ENTRIES) & 0xFFFF_FFFFL,
                le.getInt(OFFSET_SIZE_OF_PARTITION_ENTRY) & 0xFFFF_FFFFL, le.getInt(OFFSET_PARTITION_ENTRY_ARRAY_CRC32));
    }

    /** Whether {@code block} starts with "EFI PART". */
    public static boolean hasSignature(byte[] block) {
        return block.length >= SIGNATURE.length && Arrays.equals(block, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length);
    }

    static String printable(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder("\"");
        boolean allZero = true;
        for (int i = off; i < off + len; i++) {
            int c = b[i] & 0xFF;
            allZero &= c == 0;
            sb.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? String.valueOf((char) c) : String.format("\\x%02X", c));
        }
        return allZero ? "zeros (no GPT header)" : sb.append('"').toString();
    }
}
