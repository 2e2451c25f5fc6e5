package org.liveng.format.fat;

/**
 * The three FAT variants. Per fatgen103 §3.5 ("FAT Type Determination") the type
 * is decided by the count of data clusters alone, never by the
 * {@code BS_FilSysType} string.
 */
public enum FatType {
    /** Fewer than 4085 clusters; 12-bit FAT entries. */
    FAT12(12, 1, 4084, 0xFF7, 0xFF8, 0xFFF),
    /** 4085 to 65524 clusters; 16-bit FAT entries. */
    FAT16(16, 4085, 65524, 0xFFF7, 0xFFF8, 0xFFFF),
    /** 65525 clusters or more; 32-bit FAT entries of which the low 28 bits are used. */
    FAT32(32, 65525, 0x0FFFFFF5L - 1, 0x0FFFFFF7, 0x0FFFFFF8, 0x0FFFFFFF);

    /** Bits per FAT entry. */
    final int bits;
    /** Smallest valid count of clusters. */
    final long minClusters;
    /** Largest valid count of clusters. */
    final long maxClusters;
    /** The "bad cluster" marker. */
    final long bad;
    /** Smallest end-of-chain value. */
    final long eocMin;
    /** The end-of-chain value this library writes. */
    final long eoc;

    FatType(int bits, long minClusters, long maxClusters, long bad, long eocMin, long eoc) {
        this.bits = bits;
        this.minClusters = minClusters;
        this.maxClusters = maxClusters;
        this.bad = bad;
        this.eocMin = eocMin;
        this.eoc = eoc;
    }

    /** The type a volume with this count of data clusters has (fatgen103 §3.5). */
    public static FatType forClusterCount(long countOfClusters) {
        if (countOfClusters < FAT16.minClusters) {
            return FAT12;
        }
        return countOfClusters < FAT32.minClusters ? FAT16 : FAT32;
    }

    /** Whether a volume of this type may have this many data clusters. */
    public boolean accepts(long countOfClusters) {
        return countOfClusters >= minClusters && countOfClusters <= maxClusters;
    }

    /** Bits per FAT entry: 12, 16 or 32. */
    public int bits() {
        return bits;
    }

    /** Bytes needed for {@code entries} FAT entries. */
    long fatBytes(long entries) {
        return bits == 12 ? (entries * 3 + 1) / 2 : entries * (bits / 8);
    }

    /** The value of {@code BS_FilSysType} this library writes. */
    String fileSystemTypeString() {
        return switch (this) {
            case FAT12 -> "FAT12   ";
            case FAT16 -> "FAT16   ";
            case FAT32 -> "FAT32   ";
        };
    }
}
