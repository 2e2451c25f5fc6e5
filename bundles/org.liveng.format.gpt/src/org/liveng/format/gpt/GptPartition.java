package org.liveng.format.gpt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * One used GPT partition entry (UEFI 2.10 §5.3.3, Table 5.6 "GPT Partition Entry").
 *
 * <pre>
 * offset len  field                 byte order
 *   0    16   PartitionTypeGUID     mixed (see {@link Guid}); all zero = unused entry
 *  16    16   UniquePartitionGUID   mixed
 *  32     8   StartingLBA           little endian
 *  40     8   EndingLBA             little endian, inclusive
 *  48     8   Attributes            little endian (see {@link GptAttributes})
 *  56    72   PartitionName         36 UTF-16LE code units, NUL padded
 * 128   ...   reserved up to SizeOfPartitionEntry, zero
 * </pre>
 *
 * @param index the entry's 1-based position in the partition entry array (what gdisk and
 *        Linux call the partition number; liveng never relies on it to find a partition)
 * @param typeGuid PartitionTypeGUID, never {@link Guid#ZERO}
 * @param uniqueGuid UniquePartitionGUID (the PARTUUID)
 * @param firstLba StartingLBA
 * @param lastLba EndingLBA, inclusive
 * @param attributes the Attributes bits
 * @param name PartitionName, at most 36 UTF-16 code units, no NUL
 */
public record GptPartition(int index, Guid typeGuid, Guid uniqueGuid, long firstLba, long lastLba, long attributes,
        String name) {

    /** Size of the defined part of an entry; SizeOfPartitionEntry may be 128 * 2^n. */
    public static final int ENTRY_SIZE = 128;
    public static final int OFFSET_TYPE_GUID = 0;
    public static final int OFFSET_UNIQUE_GUID = 16;
    public static final int OFFSET_STARTING_LBA = 32;
    public static final int OFFSET_ENDING_LBA = 40;
    public static final int OFFSET_ATTRIBUTES = 48;
    public static final int OFFSET_NAME = 56;
    /** PartitionName length in UTF-16 code units. */
    public static final int NAME_UNITS = 36;
    /** PartitionName length in bytes. */
    public static final int NAME_BYTES = NAME_UNITS * 2;

    public GptPartition {
        if (index < 1) {
            throw new IllegalArgumentException("partition index must be 1 or more, got " + index);
        }
        Objects.requireNonNull(typeGuid, "typeGuid");
        Objects.requireNonNull(uniqueGuid, "uniqueGuid");
        if (typeGuid.isZero()) {
            throw new IllegalArgumentException("partition " + index + ": the zero type GUID marks an unused entry");
        }
        if (firstLba < 0 || lastLba < firstLba) {
            throw new IllegalArgumentException("partition " + index + ": LBA range " + Long.toUnsignedString(firstLba)
                    + ".." + Long.toUnsignedString(lastLba) + " is empty or negative");
        }
        name = name == null ? "" : name;
        checkName(name);
    }

    /** Throws when {@code name} does not fit PartitionName (36 UTF-16 code units, no NUL). */
    public static void checkName(String name) {
        if (name.length() > NAME_UNITS) {
            throw new IllegalArgumentException("GPT partition name '" + name + "' is " + name.length()
                    + " UTF-16 code units long; at most " + NAME_UNITS + " fit");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("GPT partition name '" + name.replace('\0', '?')
                    + "' contains a NUL character");
        }
    }

    /** Number of sectors, {@code lastLba - firstLba + 1}. */
    public long sizeSectors() {
        return lastLba - firstLba + 1;
    }

    /** Size in bytes for the given logical sector size. */
    public long sizeBytes(int sectorSize) {
        return Math.multiplyExact(sizeSectors(), (long) sectorSize);
    }

    /** Byte offset of the first sector. */
    public long offsetBytes(int sectorSize) {
        return Math.multiplyExact(firstLba, (long) sectorSize);
    }

    /** Whether attribute bit {@code bit} (0..63) is set. */
    public boolean hasAttribute(int bit) {
        if (bit < 0 || bit > 63) {
            throw new IllegalArgumentException("attribute bit " + bit + " is outside 0..63");
        }
        return (attributes & (1L << bit)) != 0;
    }

    /** Bit 0, Required Partition. */
    public boolean isRequired() {
        return (attributes & GptAttributes.REQUIRED) != 0;
    }

    /** Bit 1, No Block IO Protocol. */
    public boolean isNoBlockIoProtocol() {
        return (attributes & GptAttributes.NO_BLOCK_IO_PROTOCOL) != 0;
    }

    /** Bit 2, Legacy BIOS Bootable. */
    public boolean isLegacyBiosBootable() {
        return (attributes & GptAttributes.LEGACY_BIOS_BOOTABLE) != 0;
    }

    /** Bits 48..63 shifted down to 0..15. */
    public int typeSpecificAttributes() {
        return (int) (attributes >>> GptAttributes.TYPE_SPECIFIC_FIRST_BIT);
    }

    /** A copy with other attributes. */
    public GptPartition withAttributes(long newAttributes) {
        return new GptPartition(index, typeGuid, uniqueGuid, firstLba, lastLba, newAttributes, name);
    }

    /** For messages: {@code "partition 3 'LIVENG_EFI'"}. */
    public String label() {
        return "partition " + index + " '" + name + "'";
    }

    /** For messages: label, type, LBA range. */
    public String describe() {
        return label() + " (" + PartitionTypes.describe(typeGuid) + ", LBA " + firstLba + ".." + lastLba + ")";
    }

    /**
     * Writes the 128 defined bytes of this entry at {@code offset}; the caller provides a
     * zeroed buffer (reserved bytes stay zero).
     */
    public void writeTo(byte[] target, int offset) {
        Objects.checkFromIndexSize(offset, ENTRY_SIZE, target.length);
        typeGuid.writeTo(target, offset + OFFSET_TYPE_GUID);
        uniqueGuid.writeTo(target, offset + OFFSET_UNIQUE_GUID);
        ByteBuffer le = ByteBuffer.wrap(target, offset + OFFSET_STARTING_LBA, 24).order(ByteOrder.LITTLE_ENDIAN);
        le.putLong(firstLba);
        le.putLong(lastLba);
        le.putLong(attributes);
        ByteBuffer nb = ByteBuffer.wrap(target, offset + OFFSET_NAME, NAME_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < name.length(); i++) {
            nb.putChar(name.charAt(i));
        }
    }

    /**
     * Decodes PartitionName: 36 UTF-16LE code units up to the first NUL. Unpaired surrogates
     * are kept as they are so that the name round-trips.
     */
    public static String decodeName(byte[] entry, int offset) {
        Objects.checkFromIndexSize(offset + OFFSET_NAME, NAME_BYTES, entry.length);
        ByteBuffer nb = ByteBuffer.wrap(entry, offset + OFFSET_NAME, NAME_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        StringBuilder sb = new StringBuilder(NAME_UNITS);
        for (int i = 0; i < NAME_UNITS; i++) {
            char c = nb.getChar();
            if (c == 0) {
                break;
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
