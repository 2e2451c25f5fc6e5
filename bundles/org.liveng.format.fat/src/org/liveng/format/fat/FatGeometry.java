package org.liveng.format.fat;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;

/**
 * Where the regions of a FAT volume lie (fatgen103 §3 and §4): reserved sectors, the
 * FATs, the FAT12/16 root directory, the data area. Sector size is always 512.
 *
 * <pre>
 * sector 0                       boot sector (FAT32: FSInfo at 1, backup boot sector at 6, backup FSInfo at 7)
 * reservedSectors                FAT #1, fatSize sectors; then FAT #2
 * + numFats * fatSize            FAT12/16 root directory, rootEntryCount * 32 bytes
 * firstDataSector                cluster 2, cluster 3, ... (clusterCount clusters)
 * </pre>
 *
 * The data area is aligned: reserved sectors are added until {@code firstDataSector} is
 * a multiple of the sectors per cluster, so clusters are aligned relative to the
 * partition start as mkfs.fat does.
 */
public record FatGeometry(FatType type, int bytesPerSector, int sectorsPerCluster, int reservedSectors, int numFats,
        int rootEntryCount, long fatSize, long totalSectors) {

    public static final int SECTOR = 512;
    /** Reserved sectors before alignment: 32 for FAT32 (room for the backup boot sector at 6), 1 for FAT12/16. */
    public static final int FAT32_RESERVED = 32;
    public static final int FAT16_RESERVED = 1;
    public static final int NUM_FATS = 2;
    public static final int FSINFO_SECTOR = 1;
    public static final int BACKUP_BOOT_SECTOR = 6;
    public static final int MEDIA_FIXED = 0xF8;
    private static final long MIB = 1024L * 1024;

    public int bytesPerCluster() {
        return bytesPerSector * sectorsPerCluster;
    }

    public long rootDirSectors() {
        return type == FatType.FAT32 ? 0 : ((long) rootEntryCount * DirectoryEntry.SIZE + bytesPerSector - 1) / bytesPerSector;
    }

    public long firstRootDirSector() {
        return reservedSectors + (long) numFats * fatSize;
    }

    public long firstDataSector() {
        return firstRootDirSector() + rootDirSectors();
    }

    public long clusterCount() {
        return (totalSectors - firstDataSector()) / sectorsPerCluster;
    }

    /** Byte offset (from the volume start) of a data cluster. */
    public long clusterOffset(long cluster) {
        return (firstDataSector() + (cluster - 2) * sectorsPerCluster) * bytesPerSector;
    }

    /** Bytes of the volume. */
    public long sizeBytes() {
        return totalSectors * bytesPerSector;
    }

    /** Whether the cluster count is within the type's range and the FAT holds all entries. */
    public boolean valid() {
        long n = clusterCount();
        return firstDataSector() < totalSectors && type.accepts(n)
                && type.fatBytes(n + 2) <= fatSize * bytesPerSector;
    }

    /**
     * Lays out a volume of {@code totalSectors} sectors with the given type, cluster size
     * and FAT12/16 root entries. The FAT is sized for the clusters that remain after it
     * (iterated to a fixed point); the result may be {@link #valid() invalid} when the
     * cluster count does not suit the type.
     */
    public static FatGeometry compute(long totalSectors, FatType type, int sectorsPerCluster, int rootEntryCount) {
        int baseReserved = type == FatType.FAT32 ? FAT32_RESERVED : FAT16_RESERVED;
        int rootEntries = type == FatType.FAT32 ? 0 : rootEntryCount;
        long rootSectors = ((long) rootEntries * DirectoryEntry.SIZE + SECTOR - 1) / SECTOR;
        long fatSize = 1;
        FatGeometry g = null;
        for (int i = 0; i < 64; i++) {
            long unaligned = baseReserved + NUM_FATS * fatSize + rootSectors;
            int pad = (int) ((sectorsPerCluster - unaligned % sectorsPerCluster) % sectorsPerCluster);
            g = new FatGeometry(type, SECTOR, sectorsPerCluster, baseReserved + pad, NUM_FATS, rootEntries, fatSize, totalSectors);
            long clusters = Math.max(0, g.clusterCount());
            long needed = (type.fatBytes(clusters + 2) + SECTOR - 1) / SECTOR;
            if (needed <= fatSize || g.firstDataSector() >= totalSectors) {
                break;
            }
            fatSize = needed;
        }
        return g;
    }

    /**
     * mkfs.fat's FAT32 cluster size for a volume size (its default without {@code -s}):
     * up to 260 MiB 512 bytes, up to 8 GiB 4 KiB, up to 16 GiB 8 KiB, up to 32 GiB 16 KiB,
     * above 32 KiB.
     */
    public static int fat32SectorsPerCluster(long bytes) {
        if (bytes <= 260 * MIB) {
            return 1;
        }
        if (bytes <= 8192 * MIB) {
            return 8;
        }
        if (bytes <= 16384 * MIB) {
            return 16;
        }
        return bytes <= 32768 * MIB ? 32 : 64;
    }

    /**
     * Chooses type and cluster size for a volume, with the rules of mkfs.fat except that
     * FAT32 is preferred whenever it is valid (UEFI 2.10 §13.3: FAT32 for hard disk ESPs):
     * <ol>
     * <li>type and cluster size given: exactly that, or an error;</li>
     * <li>FAT32 (auto or requested): mkfs.fat's FAT32 cluster size
     *     ({@link #fat32SectorsPerCluster}); chosen when the volume then has at least
     *     65525 clusters;</li>
     * <li>otherwise FAT12/16 as mkfs.fat picks them for disks: 2 KiB clusters, doubled
     *     until at most 65524 clusters remain; FAT12 when fewer than 4085 clusters result,
     *     else FAT16;</li>
     * <li>cluster size given, type auto: the first of FAT32, FAT16, FAT12 valid at that size.</li>
     * </ol>
     *
     * @throws LivengException {@code USAGE} when no valid layout exists
     */
    public static FatGeometry choose(long volumeBytes, FatType type, int bytesPerCluster, int rootEntryCount) throws LivengException {
        long total = volumeBytes / SECTOR;
        if (total > 0xFFFFFFFFL) {
            throw new LivengException(ErrorCodes.USAGE, "a FAT volume holds at most 2^32-1 sectors; " + volumeBytes + " bytes is too large");
        }
        FatType[] order = type != null ? new FatType[] {type} : new FatType[] {FatType.FAT32, FatType.FAT16, FatType.FAT12};
        if (bytesPerCluster != 0) {
            int spc = bytesPerCluster / SECTOR;
            for (FatType t : order) {
                FatGeometry g = compute(total, t, spc, rootEntryCount);
                if (g.valid()) {
                    return g;
                }
            }
            FatGeometry g = compute(total, order[0], spc, rootEntryCount);
            throw invalid(volumeBytes, g);
        }
        if (type == null || type == FatType.FAT32) {
            FatGeometry g = compute(total, FatType.FAT32, fat32SectorsPerCluster(volumeBytes), rootEntryCount);
            if (g.valid() || type == FatType.FAT32) {
                if (!g.valid()) {
                    throw invalid(volumeBytes, g);
                }
                return g;
            }
        }
        FatGeometry last = null;
        for (int spc = 4; spc <= 128; spc *= 2) {
            for (FatType t : new FatType[] {FatType.FAT12, FatType.FAT16}) {
                if (type != null && type != t) {
                    continue;
                }
                FatGeometry g = compute(total, t, spc, rootEntryCount);
                if (g.valid()) {
                    return g;
                }
                if (last == null) {
                    last = g;
                }
            }
        }
        throw invalid(volumeBytes, last);
    }

    private static LivengException invalid(long volumeBytes, FatGeometry g) {
        long n = g.clusterCount();
        return new LivengException(ErrorCodes.USAGE, String.format(
                "a %d-byte volume cannot be %s with %d-byte clusters: it would have %d clusters, %s needs %d to %d",
                volumeBytes, g.type(), g.bytesPerCluster(), Math.max(0, n), g.type(), g.type().minClusters, g.type().maxClusters),
                "choose another size, cluster size or FAT type");
    }
}
