package org.liveng.format.initrd;

/**
 * One member of an initramfs, as described by its cpio "newc" header.
 *
 * @param path normalised path: no leading {@code "./"} or {@code "/"}, no trailing
 *        {@code "/"}; the root directory itself is {@code "."}
 * @param mode the full Unix mode word (type and permission bits)
 * @param type the entry type decoded from {@code mode}
 * @param size the size of the entry's data in bytes ({@code c_filesize})
 * @param uid owner user id
 * @param gid owner group id
 * @param mtime modification time, seconds since the epoch
 * @param linkTarget the target of a symbolic link, or {@code null} for other types
 * @param segment index of the {@link Segment} the entry came from
 */
public record CpioEntry(String path, int mode, EntryType type, long size, long uid, long gid, long mtime,
        String linkTarget, int segment) {

    /** The permission bits ({@code mode & 07777}). */
    public int permissions() {
        return mode & 07777;
    }

    /** Whether this is a regular file. */
    public boolean isFile() {
        return type == EntryType.FILE;
    }
}
