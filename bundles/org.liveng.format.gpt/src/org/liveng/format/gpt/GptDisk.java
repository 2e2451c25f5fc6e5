package org.liveng.format.gpt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A whole GPT disk as liveng writes and reads it (UEFI 2.10 §5.3.1 "GUID Format overview"):
 *
 * <pre>
 * LBA 0                    protective MBR ({@link ProtectiveMbr})
 * LBA 1                    primary GPT header ({@link GptHeader})
 * LBA 2 ..                 primary partition entry array (128 entries of 128 bytes = 16 KiB)
 * FirstUsableLBA ..
 *   LastUsableLBA          partitions ({@link GptPartition})
 * .. last LBA - 1          backup partition entry array
 * last LBA                 backup GPT header
 * </pre>
 *
 * Partitions are found by name, type or unique GUID, never by their index.
 *
 * @param sectorSize logical block size in bytes: 512, 1024, 2048 or 4096
 * @param totalSectors disk size in logical blocks
 * @param diskGuid DiskGUID
 * @param firstUsableLba FirstUsableLBA
 * @param lastUsableLba LastUsableLBA (inclusive)
 * @param partitions the used entries, ordered by index
 * @param mbrBootCode the 440 bytes of MBR boot code, or {@code null} for zeros
 * @param mbrDiskSignature the MBR's UniqueMBRDiskSignature
 */
public record GptDisk(int sectorSize, long totalSectors, Guid diskGuid, long firstUsableLba, long lastUsableLba,
        List<GptPartition> partitions, byte[] mbrBootCode, int mbrDiskSignature) {

    public GptDisk {
        checkSectorSize(sectorSize);
        Objects.requireNonNull(diskGuid, "diskGuid");
        if (totalSectors <= 0) {
            throw new IllegalArgumentException("totalSectors must be positive, got " + totalSectors);
        }
        List<GptPartition> sorted = new ArrayList<>(partitions);
        sorted.sort(Comparator.comparingInt(GptPartition::index));
        partitions = List.copyOf(sorted);
        if (mbrBootCode != null) {
            if (mbrBootCode.length != ProtectiveMbr.BOOT_CODE_SIZE) {
                throw new IllegalArgumentException("MBR boot code must be " + ProtectiveMbr.BOOT_CODE_SIZE + " bytes, got "
                        + mbrBootCode.length);
            }
            mbrBootCode = mbrBootCode.clone();
        }
    }

    /** Throws unless {@code sectorSize} is 512, 1024, 2048 or 4096. */
    public static void checkSectorSize(int sectorSize) {
        if (sectorSize < 512 || sectorSize > 4096 || Integer.bitCount(sectorSize) != 1) {
            throw new IllegalArgumentException("sector size must be 512, 1024, 2048 or 4096, got " + sectorSize);
        }
    }

    /** The boot code (a copy), or {@code null}. */
    @Override
    public byte[] mbrBootCode() {
        return mbrBootCode == null ? null : mbrBootCode.clone();
    }

    /** Disk size in bytes. */
    public long sizeBytes() {
        return Math.multiplyExact(totalSectors, (long) sectorSize);
    }

    /** The LBA of the backup header (the last LBA). */
    public long backupHeaderLba() {
        return totalSectors - 1;
    }

    /** The partition with this name; empty when none. */
    public Optional<GptPartition> findByName(String name) {
        List<GptPartition> l = partitions.stream().filter(p -> p.name().equals(name)).toList();
        return unique(l, "name '" + name + "'");
    }

    /** All partitions with this name (a foreign disk may repeat names). */
    public List<GptPartition> findAllByName(String name) {
        return partitions.stream().filter(p -> p.name().equals(name)).toList();
    }

    /** All partitions of this type, by index. */
    public List<GptPartition> findByType(Guid type) {
        return partitions.stream().filter(p -> p.typeGuid().equals(type)).toList();
    }

    /** The partition with this unique GUID; empty when none. */
    public Optional<GptPartition> findByGuid(Guid uniqueGuid) {
        List<GptPartition> l = partitions.stream().filter(p -> p.uniqueGuid().equals(uniqueGuid)).toList();
        return unique(l, "unique GUID " + uniqueGuid);
    }

    /** The partition in entry {@code index} (1-based). */
    public Optional<GptPartition> partition(int index) {
        return partitions.stream().filter(p -> p.index() == index).findFirst();
    }

    /**
     * @throws IllegalStateException when several partitions match: choosing one of them would
     *         be guessing, and liveng must never write to a guessed partition
     */
    private static Optional<GptPartition> unique(List<GptPartition> l, String what) {
        if (l.size() > 1) {
            throw new IllegalStateException("ambiguous: " + l.size() + " partitions have " + what + ": "
                    + l.stream().map(GptPartition::label).toList());
        }
        return l.stream().findFirst();
    }

    /**
     * What keeps this disk from being written with the default 128-entry arrays: usable range
     * versus the table areas, partitions outside the usable range or overlapping, indexes
     * outside 1..128 or repeated, duplicate unique GUIDs. Empty when it can be written.
     */
    public List<String> layoutProblems() {
        List<String> p = new ArrayList<>();
        long arraySectors = GptHeader.defaultEntryArraySectors(sectorSize);
        long minFirstUsable = 2 + arraySectors;
        long maxLastUsable = totalSectors - 2 - arraySectors;
        if (firstUsableLba < minFirstUsable) {
            p.add("FirstUsableLBA " + firstUsableLba + " is inside the primary GPT (which ends at LBA "
                    + (minFirstUsable - 1) + ")");
        }
        if (lastUsableLba > maxLastUsable) {
            p.add("LastUsableLBA " + lastUsableLba + " is inside the backup GPT (which starts at LBA " + (maxLastUsable + 1)
                    + " on a disk of " + totalSectors + " sectors)");
        }
        if (lastUsableLba < firstUsableLba) {
            p.add("LastUsableLBA " + lastUsableLba + " is before FirstUsableLBA " + firstUsableLba
                    + " (disk of " + totalSectors + " sectors is too small)");
        }
        Set<Integer> indexes = new HashSet<>();
        Set<Guid> guids = new HashSet<>();
        for (GptPartition q : partitions) {
            if (q.index() > GptHeader.DEFAULT_ENTRY_COUNT) {
                p.add(q.label() + ": index is beyond the " + GptHeader.DEFAULT_ENTRY_COUNT + " entries of the array");
            }
            if (!indexes.add(q.index())) {
                p.add(q.label() + ": index " + q.index() + " is used twice");
            }
            if (!guids.add(q.uniqueGuid())) {
                p.add(q.label() + ": unique GUID " + q.uniqueGuid() + " is used twice");
            }
            if (q.firstLba() < firstUsableLba || q.lastLba() > lastUsableLba) {
                p.add(q.describe() + " is outside the usable range LBA " + firstUsableLba + ".." + lastUsableLba);
            }
        }
        p.addAll(overlaps(partitions));
        return p;
    }

    /** Descriptions of overlapping pairs (each overlap once, by start). */
    static List<String> overlaps(List<GptPartition> parts) {
        List<GptPartition> byStart = new ArrayList<>(parts);
        byStart.sort(Comparator.comparingLong(GptPartition::firstLba).thenComparingInt(GptPartition::index));
        List<String> p = new ArrayList<>();
        GptPartition furthest = null;
        for (GptPartition q : byStart) {
            if (furthest != null && q.firstLba() <= furthest.lastLba()) {
                p.add(furthest.describe() + " and " + q.describe() + " overlap");
            }
            if (furthest == null || q.lastLba() > furthest.lastLba()) {
                furthest = q;
            }
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GptDisk d && sectorSize == d.sectorSize && totalSectors == d.totalSectors
                && diskGuid.equals(d.diskGuid) && firstUsableLba == d.firstUsableLba && lastUsableLba == d.lastUsableLba
                && partitions.equals(d.partitions) && Arrays.equals(mbrBootCode, d.mbrBootCode)
                && mbrDiskSignature == d.mbrDiskSignature;
    }

    @Override
    public int hashCode() {
        return Objects.hash(sectorSize, totalSectors, diskGuid, firstUsableLba, lastUsableLba, partitions,
                Arrays.hashCode(mbrBootCode), mbrDiskSignature);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("GptDisk[").append(diskGuid).append(", ").append(totalSectors).append(" sectors of ").append(sectorSize)
                .append(" bytes, usable LBA ").append(firstUsableLba).append("..").append(lastUsableLba)
                .append(String.format(", MBR signature 0x%08X, boot code %s", mbrDiskSignature,
                        mbrBootCode == null ? "none" : "present"));
        for (GptPartition q : partitions) {
            sb.append("\n  ").append(q.index()).append(' ').append(q.firstLba()).append("..").append(q.lastLba()).append(' ')
                    .append(PartitionTypes.describe(q.typeGuid())).append(' ').append(q.uniqueGuid()).append(' ')
                    .append(GptAttributes.hex(q.attributes())).append(" '").append(q.name()).append('\'');
        }
        return sb.append(']').toString();
    }
}
