package org.liveng.format.fat;

import java.util.List;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.medium.FileSpec;

/**
 * Sizes for layout planning: how large a volume must be for a set of files, and whether
 * they fit a given volume. Pure: reads only the files' sizes.
 */
public final class FatPlanner {

    private FatPlanner() {
    }

    /**
     * The smallest volume size, in bytes (a multiple of 512), that holds the files with
     * the given type and cluster size, as {@link FatWriter} lays it out. For FAT32 this is
     * at least what 65525 clusters take.
     *
     * @param options label and root entry count are used; type and cluster size must be set
     * @throws LivengException {@code USAGE} for invalid paths, or when the files need more
     *                         clusters than the type allows at that cluster size
     */
    public static long minimumSize(List<FileSpec> files, FatOptions options) throws LivengException {
        if (options.type() == null || options.bytesPerCluster() == 0) {
            throw new IllegalArgumentException("minimumSize needs an explicit FAT type and cluster size");
        }
        FatTree tree = FatTree.build(files, !options.label().isBlank());
        return minimumSize(tree, options.type(), options.bytesPerCluster(), tree.rootEntries(options.rootEntryCount()));
    }

    static long minimumSize(FatTree tree, FatType type, int bytesPerCluster, int rootEntries) throws LivengException {
        int spc = bytesPerCluster / FatGeometry.SECTOR;
        long need = Math.max(tree.clustersNeeded(type, bytesPerCluster), type.minClusters);
        if (need > type.maxClusters) {
            throw new LivengException(ErrorCodes.USAGE, String.format(
                    "the files need %d clusters of %d bytes, more than the %d a %s volume can have", need, bytesPerCluster,
                    type.maxClusters, type), "use larger clusters or FAT32");
        }
        // sectors for 'need' clusters plus a generous bound on the metadata: an upper bound that fits
        long hi = 64 + 2 * (type.fatBytes(need + 2) / FatGeometry.SECTOR + 1) + (long) rootEntries * 32 / FatGeometry.SECTOR + 1
                + (need + 1) * spc + spc;
        long lo = 1;
        while (!fits(hi, type, spc, rootEntries, need)) {
            hi *= 2;
        }
        while (lo < hi) { // smallest fitting size, assuming monotony
            long mid = lo + (hi - lo) / 2;
            if (fits(mid, type, spc, rootEntries, need)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        // alignment padding can make the count non-monotone by a cluster: look a little lower
        for (long s = hi - 1; s > 0 && s >= hi - 4L * spc - 8; s--) {
            if (fits(s, type, spc, rootEntries, need)) {
                hi = s;
            }
        }
        return hi * FatGeometry.SECTOR;
    }

    private static boolean fits(long sectors, FatType type, int spc, int rootEntries, long need) {
        FatGeometry g = FatGeometry.compute(sectors, type, spc, rootEntries);
        return g.valid() && g.clusterCount() >= need;
    }

    /**
     * Resolves the geometry for a volume of {@code volumeBytes} and checks the files fit.
     *
     * @throws LivengException {@code USAGE} for invalid paths or options; {@code PREFLIGHT}
     *                         when the files do not fit, naming the size they need
     */
    public static FatGeometry check(List<FileSpec> files, long volumeBytes, FatOptions options) throws LivengException {
        FatTree tree = FatTree.build(files, !options.label().isBlank());
        return check(tree, volumeBytes, options);
    }

    static FatGeometry check(FatTree tree, long volumeBytes, FatOptions options) throws LivengException {
        int rootEntries = tree.rootEntries(options.rootEntryCount());
        FatGeometry g = FatGeometry.choose(volumeBytes, options.type(), options.bytesPerCluster(), rootEntries);
        long need = tree.clustersNeeded(g.type(), g.bytesPerCluster());
        if (need > g.clusterCount()) {
            String atLeast;
            try {
                atLeast = "at least " + minimumSize(tree, g.type(), g.bytesPerCluster(), rootEntries) + " bytes are needed";
            } catch (LivengException e) {
                atLeast = e.getMessage();
            }
            throw new LivengException(ErrorCodes.PREFLIGHT, String.format(
                    "the files do not fit the %d-byte %s volume: they need %d clusters of %d bytes (%d bytes), it has %d; %s at this cluster size",
                    volumeBytes, g.type(), need, g.bytesPerCluster(), need * g.bytesPerCluster(), g.clusterCount(), atLeast),
                    "make the partition larger or put fewer files on it");
        }
        return g;
    }
}
