package org.liveng.format.gpt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The MBR in LBA 0 of a GPT disk (UEFI 2.10 §5.2.3 "Protective MBR", Table 5.4). Only the first
 * 512 bytes of LBA 0 are the MBR; the rest of a larger logical block is zero.
 *
 * <pre>
 * offset len  field
 *   0   440   BootCode (unused by UEFI; BIOS GRUB puts boot.img here)
 * 440     4   UniqueMBRDiskSignature (little endian)
 * 444     2   Unknown (zero)
 * 446    64   PartitionRecord[4] (see {@link MbrPartitionRecord}); record 0 is the
 *             0xEE protective partition, the others are zero
 * 510     2   Signature 0xAA55 (bytes 0x55 0xAA)
 * </pre>
 *
 * @param bootCode the 440 boot code bytes (a copy is kept)
 * @param diskSignature UniqueMBRDiskSignature
 * @param unknown the two bytes at offset 444, little endian
 * @param partitionRecords the four partition records
 * @param signature the boot signature, 0xAA55 when valid
 */
public record ProtectiveMbr(byte[] bootCode, int diskSignature, int unknown, List<MbrPartitionRecord> partitionRecords,
        int signature) {

    /** Size of the MBR structure. */
    public static final int SIZE = 512;
    public static final int BOOT_CODE_SIZE = 440;
    public static final int OFFSET_DISK_SIGNATURE = 440;
    public static final int OFFSET_UNKNOWN = 444;
    public static final int OFFSET_PARTITION_RECORDS = 446;
    public static final int PARTITION_RECORD_COUNT = 4;
    public static final int OFFSET_SIGNATURE = 510;
    /** The boot signature, read as a little-endian 16-bit number. */
    public static final int BOOT_SIGNATURE = 0xAA55;

    public ProtectiveMbr {
        Objects.requireNonNull(bootCode, "bootCode");
        if (bootCode.length != BOOT_CODE_SIZE) {
            throw new IllegalArgumentException("MBR boot code must be " + BOOT_CODE_SIZE + " bytes, got " + bootCode.length);
        }
        bootCode = bootCode.clone();
        partitionRecords = List.copyOf(partitionRecords);
        if (partitionRecords.size() != PARTITION_RECORD_COUNT) {
            throw new IllegalArgumentException("an MBR has 4 partition records, got " + partitionRecords.size());
        }
    }

    /**
     * The protective MBR for a disk of {@code totalSectors} logical blocks.
     *
     * @param bootCode 440 bytes to keep (e.g. GRUB's boot.img), or {@code null} for zeros
     */
    public static ProtectiveMbr forDisk(long totalSectors, byte[] bootCode, int diskSignature) {
        return new ProtectiveMbr(bootCode == null ? new byte[BOOT_CODE_SIZE] : bootCode, diskSignature, 0,
                List.of(MbrPartitionRecord.protective(totalSectors), MbrPartitionRecord.EMPTY, MbrPartitionRecord.EMPTY,
                        MbrPartitionRecord.EMPTY),
                BOOT_SIGNATURE);
    }

    @Override
    public byte[] bootCode() {
        return bootCode.clone();
    }

    /** Parses the first 512 bytes of {@code sector}; never fails on content, see {@link #problems}. */
    public static ProtectiveMbr parse(byte[] sector) {
        if (sector.length < SIZE) {
            throw new IllegalArgumentException("an MBR is " + SIZE + " bytes, got " + sector.length);
        }
        ByteBuffer le = ByteBuffer.wrap(sector, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        List<MbrPartitionRecord> records = new ArrayList<>(PARTITION_RECORD_COUNT);
        for (int i = 0; i < PARTITION_RECORD_COUNT; i++) {
            records.add(MbrPartitionRecord.parse(sector, OFFSET_PARTITION_RECORDS + i * MbrPartitionRecord.SIZE));
        }
        return new ProtectiveMbr(Arrays.copyOf(sector, BOOT_CODE_SIZE), le.getInt(OFFSET_DISK_SIGNATURE),
                le.getShort(OFFSET_UNKNOWN) & 0xFFFF, records, le.getShort(OFFSET_SIGNATURE) & 0xFFFF);
    }

    /** The 512 bytes. */
    public byte[] toBytes() {
        byte[] b = new byte[SIZE];
        System.arraycopy(bootCode, 0, b, 0, BOOT_CODE_SIZE);
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        le.putInt(OFFSET_DISK_SIGNATURE, diskSignature);
        le.putShort(OFFSET_UNKNOWN, (short) unknown);
        for (int i = 0; i < PARTITION_RECORD_COUNT; i++) {
            partitionRecords.get(i).writeTo(b, OFFSET_PARTITION_RECORDS + i * MbrPartitionRecord.SIZE);
        }
        le.putShort(OFFSET_SIGNATURE, (short) signature);
        return b;
    }

    /** Whether the boot code is all zero. */
    public boolean bootCodeIsEmpty() {
        for (byte x : bootCode) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * What keeps this from being a proper protective MBR for a disk of {@code totalSectors}
     * blocks; empty when it is one. A hybrid MBR (more records besides 0xEE) is reported too.
     */
    public List<String> problems(long totalSectors) {
        List<String> p = new ArrayList<>();
        if (signature != BOOT_SIGNATURE) {
            p.add(String.format("MBR boot signature at byte 0x%X is 0x%04X, expected 0x%04X", OFFSET_SIGNATURE, signature,
                    BOOT_SIGNATURE));
        }
        int protective = -1;
        int others = 0;
        for (int i = 0; i < PARTITION_RECORD_COUNT; i++) {
            MbrPartitionRecord r = partitionRecords.get(i);
            if (r.osType() == MbrPartitionRecord.OS_TYPE_GPT_PROTECTIVE && protective < 0) {
                protective = i;
            } else if (!r.isEmpty()) {
                others++;
            }
        }
        if (protective < 0) {
            p.add("MBR has no 0xEE protective partition record (not a GPT disk, or the MBR was overwritten)");
            return p;
        }
        MbrPartitionRecord r = partitionRecords.get(protective);
        long offset = OFFSET_PARTITION_RECORDS + (long) protective * MbrPartitionRecord.SIZE;
        if (r.startingLba() != 1) {
            p.add(String.format("MBR protective partition record at byte 0x%X: StartingLBA is %d, expected 1", offset,
                    r.startingLba()));
        }
        long expectedSize = Math.min(totalSectors - 1, MbrPartitionRecord.MAX_U32);
        if (others == 0 && r.sizeInLba() != expectedSize) {
            p.add(String.format("MBR protective partition record at byte 0x%X: SizeInLBA is %d, expected %d (disk of %d sectors)",
                    offset, r.sizeInLba(), expectedSize, totalSectors));
        }
        if (others > 0) {
            p.add("MBR is a hybrid MBR: " + others + " partition record(s) besides the 0xEE one");
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProtectiveMbr m && Arrays.equals(bootCode, m.bootCode) && diskSignature == m.diskSignature
                && unknown == m.unknown && partitionRecords.equals(m.partitionRecords) && signature == m.signature;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(bootCode), diskSignature, unknown, partitionRecords, signature);
    }

    @Override
    public String toString() {
        return String.format("ProtectiveMbr[diskSignature=0x%08X, records=%s, signature=0x%04X, bootCode=%s]", diskSignature,
                partitionRecords, signature, bootCodeIsEmpty() ? "empty" : "present");
    }
}
