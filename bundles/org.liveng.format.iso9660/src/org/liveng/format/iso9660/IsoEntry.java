package org.liveng.format.iso9660;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One file, directory or symbolic link of an image, in the namespace the image was opened with.
 *
 * @param path absolute path, '/'-separated ({@code /} for the root)
 * @param name last path element (empty for the root)
 * @param type file, directory or symbolic link
 * @param size bytes of a regular file (sum of all extents), 0 otherwise
 * @param extents where the data lies, in order (several for a multi-extent file)
 * @param mode Rock Ridge POSIX mode including type bits, or -1 without Rock Ridge
 * @param uid Rock Ridge owner, or -1
 * @param gid Rock Ridge group, or -1
 * @param nlink Rock Ridge link count, or -1
 * @param modified modification time (Rock Ridge TF if present, else the recording time), or {@code null}
 * @param symlinkTarget target of a symbolic link, else {@code null}
 * @param hidden whether the ISO 9660 "existence" flag hides the entry
 * @param recordOffset absolute offset of the (first) directory record describing it
 */
public record IsoEntry(String path, String name, Type type, long size, List<Extent> extents, int mode, long uid,
        long gid, long nlink, Instant modified, String symlinkTarget, boolean hidden, long recordOffset) {

    /** The kind of entry. */
    public enum Type { FILE, DIRECTORY, SYMLINK }

    /**
     * One extent of file data.
     *
     * @param block logical block of the extent (the directory record's location of extent)
     * @param offset absolute byte offset of the first data byte (after any extended attribute record)
     * @param length data bytes in this extent
     */
    public record Extent(long block, long offset, long length) {
    }

    public IsoEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        extents = List.copyOf(extents);
    }

    public boolean isFile() {
        return type == Type.FILE;
    }

    public boolean isDirectory() {
        return type == Type.DIRECTORY;
    }

    public boolean isSymlink() {
        return type == Type.SYMLINK;
    }

    /** POSIX permission bits (mode &amp; 07777), or -1 without Rock Ridge. */
    public int permissions() {
        return mode < 0 ? -1 : mode & 07777;
    }

    /** The first data block, or -1 for an entry without extents. */
    public long firstBlock() {
        return extents.isEmpty() ? -1 : extents.get(0).block();
    }
}
