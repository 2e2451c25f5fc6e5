package org.liveng.format.initrd;

/** The kind of a cpio entry, from the {@code S_IFMT} bits of its mode. */
public enum EntryType {
    /** Regular file ({@code S_IFREG}, mode 0100000). */
    FILE,
    /** Directory ({@code S_IFDIR}, mode 0040000). */
    DIR,
    /** Symbolic link ({@code S_IFLNK}, mode 0120000); the target is the entry's data. */
    SYMLINK,
    /** Character or block device ({@code S_IFCHR} 0020000, {@code S_IFBLK} 0060000). */
    DEVICE,
    /** Anything else: FIFO, socket, or an unknown type. */
    OTHER;

    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;
    static final int S_IFDIR = 0040000;
    static final int S_IFLNK = 0120000;
    static final int S_IFCHR = 0020000;
    static final int S_IFBLK = 0060000;

    /** The type encoded in a Unix mode word. */
    public static EntryType ofMode(int mode) {
        return switch (mode & S_IFMT) {
            case S_IFREG -> FILE;
            case S_IFDIR -> DIR;
            case S_IFLNK -> SYMLINK;
            case S_IFCHR, S_IFBLK -> DEVICE;
            default -> OTHER;
        };
    }
}
