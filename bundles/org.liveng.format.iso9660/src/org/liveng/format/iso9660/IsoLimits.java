package org.liveng.format.iso9660;

/**
 * Caps that keep a hostile image from exhausting time or memory.
 *
 * @param maxEntries total directory entries (records) read over the whole tree
 * @param maxDirectoryBytes data length of any one directory
 * @param maxTotalDirectoryBytes directory bytes read over the whole tree
 * @param maxContinuationAreas SUSP continuation areas followed for one directory record
 * @param maxDepth directory nesting depth
 * @param maxSymlinkHops symbolic links followed when resolving one path
 */
public record IsoLimits(int maxEntries, long maxDirectoryBytes, long maxTotalDirectoryBytes, int maxContinuationAreas,
        int maxDepth, int maxSymlinkHops) {

    /** Generous defaults for distribution ISOs: 1 M entries, 32 MiB per directory, 512 MiB in all. */
    public static final IsoLimits DEFAULT = new IsoLimits(1_000_000, 32L << 20, 512L << 20, 32, 256, 40);

    public IsoLimits {
        if (maxEntries < 1 || maxDirectoryBytes < 1 || maxTotalDirectoryBytes < 1 || maxContinuationAreas < 0
                || maxDepth < 1 || maxSymlinkHops < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
