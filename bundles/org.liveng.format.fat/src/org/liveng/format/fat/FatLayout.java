package org.liveng.format.fat;

import java.util.List;

/**
 * What {@link FatWriter} wrote: the geometry and where each file's data lies.
 *
 * @param geometry the volume's regions
 * @param files one placement per file, in input order
 * @param usedClusters data clusters allocated (directories and files)
 */
public record FatLayout(FatGeometry geometry, List<Placement> files, long usedClusters) {

    public FatLayout {
        files = List.copyOf(files);
    }

    /** Free data clusters, as written to FSInfo for FAT32. */
    public long freeClusters() {
        return geometry.clusterCount() - usedClusters;
    }

    /**
     * One file's data.
     *
     * @param path the file's path
     * @param size its size in bytes
     * @param firstCluster its first cluster (0 for an empty file)
     * @param clusters its clusters, contiguous from {@code firstCluster}
     * @param offset byte offset of its data from the volume start (0 for an empty file)
     */
    public record Placement(String path, long size, long firstCluster, long clusters, long offset) {
    }
}
