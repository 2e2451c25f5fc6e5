package org.liveng.format.gpt;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;

/**
 * Lays partitions out one after the other, each starting on an alignment boundary (1 MiB by
 * default), and computes their LBAs and the usable range for the standard 128-entry GPT.
 *
 * <pre>{@code
 * GptDisk disk = new GptLayoutBuilder(diskBytes, 512)
 *         .seed(seed)                                  // reproducible GUIDs, optional
 *         .add("LIVENG_SYSTEM", PartitionTypes.MICROSOFT_BASIC_DATA, isoBytes, 0, null)
 *         .add("LIVENG_EFI", PartitionTypes.EFI_SYSTEM, 64 << 20, 0, null)
 *         .addRest("persistence", PartitionTypes.LINUX_FILESYSTEM, 0, null)
 *         .build();
 * }</pre>
 *
 * Sizes are rounded up to whole sectors. The "rest" partition must come last; it ends on the
 * last alignment boundary before the backup GPT. {@link #addAt} places a partition at a fixed
 * offset instead; later sequential partitions continue after the furthest end. {@link #build}
 * refuses overlaps, duplicate names or GUIDs, and a disk that is too small, saying how much is
 * needed.
 *
 * <p>GUIDs not given are derived from the {@link #seed} ({@code "disk"},
 * {@code "partition/<name>"}, see {@link Guid#derive}), or random without a seed. The MBR disk
 * signature likewise.
 */
public final class GptLayoutBuilder {

    /** Pass as size to {@link #add} for "the rest of the disk". */
    public static final long REST = -1;
    /** Default alignment: 1 MiB. */
    public static final long DEFAULT_ALIGNMENT = 1L << 20;
    /** Most partitions the 128-entry array holds. */
    public static final int MAX_PARTITIONS = GptHeader.DEFAULT_ENTRY_COUNT;

    private static final long MIB = 1L << 20;

    private final long diskBytes;
    private final int sectorSize;
    private long alignmentBytes = DEFAULT_ALIGNMENT;
    private long minRestBytes = MIB;
    private byte[] seed;
    private Guid diskGuid;
    private byte[] mbrBootCode;
    private Integer mbrDiskSignature;
    private final List<Request> requests = new ArrayList<>();

    private record Request(String name, Guid type, long startBytes, long sizeBytes, long attributes, Guid guid) {
    }

    /**
     * @param diskBytes the disk or image size in bytes, a multiple of the sector size
     * @param sectorSize the logical block size, 512 or 4096 (1024 and 2048 work too)
     */
    public GptLayoutBuilder(long diskBytes, int sectorSize) {
        GptDisk.checkSectorSize(sectorSize);
        if (diskBytes <= 0) {
            throw new IllegalArgumentException("disk size must be positive, got " + diskBytes);
        }
        this.diskBytes = diskBytes;
        this.sectorSize = sectorSize;
    }

    /** Alignment of partition starts in bytes (a multiple of the sector size); default 1 MiB. */
    public GptLayoutBuilder alignment(long bytes) {
        if (bytes <= 0 || bytes % sectorSize != 0) {
            throw new IllegalArgumentException("alignment " + bytes + " must be a positive multiple of the sector size "
                    + sectorSize);
        }
        this.alignmentBytes = bytes;
        return this;
    }

    /** The smallest size the "rest" partition may get; default 1 MiB. */
    public GptLayoutBuilder minRestBytes(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("minimum size must be positive, got " + bytes);
        }
        this.minRestBytes = bytes;
        return this;
    }

    /** Seed for deterministic GUIDs and MBR disk signature (reproducible images). */
    public GptLayoutBuilder seed(byte[] seed) {
        this.seed = seed.clone();
        return this;
    }

    public GptLayoutBuilder diskGuid(Guid guid) {
        this.diskGuid = Objects.requireNonNull(guid, "guid");
        return this;
    }

    /** 440 bytes of MBR boot code to keep (BIOS GRUB's boot.img), or {@code null} for zeros. */
    public GptLayoutBuilder mbrBootCode(byte[] bootCode) {
        if (bootCode != null && bootCode.length != ProtectiveMbr.BOOT_CODE_SIZE) {
            throw new IllegalArgumentException("MBR boot code must be " + ProtectiveMbr.BOOT_CODE_SIZE + " bytes, got "
                    + bootCode.length);
        }
        this.mbrBootCode = bootCode == null ? null : bootCode.clone();
        return this;
    }

    public GptLayoutBuilder mbrDiskSignature(int signature) {
        this.mbrDiskSignature = signature;
        return this;
    }

    /**
     * Adds a partition after the previous one, starting on the next alignment boundary.
     *
     * @param sizeBytes the size, rounded up to whole sectors, or {@link #REST}
     * @param attributes the GPT attribute bits (see {@link GptAttributes})
     * @param uniqueGuid the partition's unique GUID, or {@code null} to derive or draw one
     */
    public GptLayoutBuilder add(String name, Guid type, long sizeBytes, long attributes, Guid uniqueGuid) {
        if (sizeBytes != REST && sizeBytes <= 0) {
            throw new IllegalArgumentException("partition '" + name + "': size must be positive or REST, got " + sizeBytes);
        }
        return request(new Request(name, type, -1, sizeBytes, attributes, uniqueGuid));
    }

    /** {@code add(name, type, REST, attributes, uniqueGuid)}. */
    public GptLayoutBuilder addRest(String name, Guid type, long attributes, Guid uniqueGuid) {
        return add(name, type, REST, attributes, uniqueGuid);
    }

    /** Adds a partition at a fixed byte offset (a multiple of the sector size, not necessarily aligned). */
    public GptLayoutBuilder addAt(String name, Guid type, long startBytes, long sizeBytes, long attributes,
            Guid uniqueGuid) {
        if (startBytes < 0 || startBytes % sectorSize != 0) {
            throw new IllegalArgumentException("partition '" + name + "': start " + startBytes
                    + " must be a non-negative multiple of the sector size " + sectorSize);
        }
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("partition '" + name + "': size must be positive, got " + sizeBytes);
        }
        return request(new Request(name, type, startBytes, sizeBytes, attributes, uniqueGuid));
    }

    private GptLayoutBuilder request(Request r) {
        Objects.requireNonNull(r.name, "name");
        Objects.requireNonNull(r.type, "type");
        GptPartition.checkName(r.name);
        if (r.type.isZero()) {
            throw new IllegalArgumentException("partition '" + r.name + "': the zero type GUID marks an unused entry");
        }
        requests.add(r);
        return this;
    }

    /**
     * Computes the layout.
     *
     * @throws LivengException {@code PREFLIGHT} naming what does not fit and how much is needed
     */
    public GptDisk build() throws LivengException {
        if (diskBytes % sectorSize != 0) {
            throw preflight("disk size " + diskBytes + " bytes is not a multiple of the sector size " + sectorSize, null);
        }
        if (requests.size() > MAX_PARTITIONS) {
            throw preflight(requests.size() + " partitions requested; the GPT entry array holds " + MAX_PARTITIONS, null);
        }
        long total = diskBytes / sectorSize;
        long arraySectors = GptHeader.defaultEntryArraySectors(sectorSize);
        long firstUsable = 2 + arraySectors;
        long lastUsable = total - 2 - arraySectors;
        long align = alignmentBytes / sectorSize;
        long tableSectors = 2 * (1 + arraySectors) + 1;
        if (lastUsable < firstUsable) {
            throw preflight("disk of " + diskBytes + " bytes (" + total + " sectors of " + sectorSize
                    + " bytes) cannot even hold the GPT itself: it needs " + (tableSectors + 1) * sectorSize + " bytes", null);
        }

        Set<String> names = new HashSet<>();
        Set<Guid> guids = new HashSet<>();
        List<GptPartition> parts = new ArrayList<>();
        long minRestSectors = ceilDiv(minRestBytes, sectorSize);
        long neededSectors = 0;
        String firstMisfit = null;
        long cursor = firstUsable;
        for (int i = 0; i < requests.size(); i++) {
            Request r = requests.get(i);
            int index = i + 1;
            if (!names.add(r.name)) {
                throw preflight("partition name '" + r.name + "' is used twice; liveng finds partitions by name", null);
            }
            Guid guid = r.guid != null ? r.guid : seed != null ? Guid.derive(seed, "partition/" + r.name) : Guid.random();
            if (!guids.add(guid)) {
                throw preflight("partition '" + r.name + "': unique GUID " + guid + " is used twice", null);
            }
            long first;
            long last;
            if (r.sizeBytes == REST) {
                if (i != requests.size() - 1) {
                    throw preflight("partition '" + r.name + "' takes the rest of the disk and must be the last one added,"
                            + " but '" + requests.get(i + 1).name + "' follows it", null);
                }
                first = alignUp(cursor, align);
                long need = alignUp(first + minRestSectors, align) + arraySectors + 1;
                neededSectors = Math.max(neededSectors, need);
                last = alignDown(lastUsable + 1, align) - 1;
                if (need > total && firstMisfit == null) {
                    firstMisfit = "partition '" + r.name + "' (rest of the disk) needs at least " + minRestBytes
                            + " bytes from LBA " + first;
                }
            } else {
                long sectors = ceilDiv(r.sizeBytes, sectorSize);
                first = r.startBytes >= 0 ? r.startBytes / sectorSize : alignUp(cursor, align);
                if (first < firstUsable) {
                    throw preflight("partition '" + r.name + "' at LBA " + first + " starts inside the primary GPT; the first"
                            + " usable LBA is " + firstUsable, null);
                }
                last = first + sectors - 1;
                neededSectors = Math.max(neededSectors, last + 1 + arraySectors + 1);
                if (last > lastUsable && firstMisfit == null) {
                    firstMisfit = "partition '" + r.name + "' (" + r.sizeBytes + " bytes) needs LBA " + first + ".." + last
                            + " but the last usable LBA is " + lastUsable;
                }
            }
            cursor = Math.max(cursor, last + 1);
            if (firstMisfit == null) {
                parts.add(new GptPartition(index, r.type, guid, first, last, r.attributes, r.name));
            }
        }
        if (firstMisfit != null) {
            throw tooSmall(total, neededSectors * sectorSize, firstMisfit);
        }
        List<String> overlaps = GptDisk.overlaps(parts);
        if (!overlaps.isEmpty()) {
            throw preflight("partitions overlap: " + String.join("; ", overlaps), "move the fixed-offset partition");
        }
        Guid dg = diskGuid != null ? diskGuid : seed != null ? Guid.derive(seed, "disk") : Guid.random();
        int sig;
        if (mbrDiskSignature != null) {
            sig = mbrDiskSignature;
        } else {
            Guid g = seed != null ? Guid.derive(seed, "mbr-disk-signature") : Guid.random();
            sig = (int) (g.mostSignificantBits() >>> 32);
        }
        GptDisk disk = new GptDisk(sectorSize, total, dg, firstUsable, lastUsable, parts, mbrBootCode, sig);
        List<String> problems = disk.layoutProblems();
        if (!problems.isEmpty()) {
            throw preflight("GPT layout is invalid: " + String.join("; ", problems), null);
        }
        return disk;
    }

    private LivengException tooSmall(long total, long neededBytes, String what) {
        return preflight("disk of " + diskBytes + " bytes (" + total + " sectors of " + sectorSize
                + " bytes) is too small for the layout: " + what + "; the layout needs at least " + neededBytes + " bytes ("
                + ceilDiv(neededBytes, MIB) + " MiB)", "use a larger disk or smaller partitions");
    }

    private static LivengException preflight(String message, String hint) {
        return new LivengException(ErrorCodes.PREFLIGHT, message, hint);
    }

    private static long alignUp(long v, long a) {
        return ceilDiv(v, a) * a;
    }

    private static long alignDown(long v, long a) {
        return v / a * a;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
