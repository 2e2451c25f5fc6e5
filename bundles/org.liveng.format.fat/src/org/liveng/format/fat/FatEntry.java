package org.liveng.format.fat;

import java.time.Instant;

/**
 * A file or directory found by {@link FatReader}.
 *
 * @param path absolute path with the long names ("/" for the root)
 * @param name the long name, or the short name with its case bits applied when there is no valid long name
 * @param shortName the 8.3 name as "NAME.EXT" (case bits applied); empty for the root
 * @param attributes DIR_Attr
 * @param size DIR_FileSize (0 for directories)
 * @param firstCluster first cluster (0 for an empty file and the FAT12/16 root)
 * @param modified DIR_WrtDate/DIR_WrtTime as UTC, or {@code null} when invalid or for the root
 * @param entryOffset byte offset of the short directory entry in the channel, -1 for the root
 */
public record FatEntry(String path, String name, String shortName, int attributes, long size, long firstCluster,
        Instant modified, long entryOffset) {

    public boolean isDirectory() {
        return (attributes & DirectoryEntry.ATTR_DIRECTORY) != 0;
    }

    public boolean isFile() {
        return !isDirectory();
    }

    public boolean isRoot() {
        return path.equals("/");
    }
}
