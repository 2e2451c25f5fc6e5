package org.liveng.platform.posix;

import org.liveng.api.LivengException;
import org.osgi.annotation.versioning.ProviderType;

/** The POSIX calls liveng makes; implemented with jnr-posix in this bundle. */
@ProviderType
public interface NativeCalls {

    /** The effective user id of this process. */
    int geteuid();

    /** Whether the file descriptor (0 stdin, 1 stdout, 2 stderr) is a terminal. */
    boolean isatty(int fd);

    /**
     * Whether a block device is in use by the kernel (mounted, swap, a
     * device-mapper or RAID member, held open exclusively): Linux refuses an
     * {@code O_EXCL} open of a block device that is in use with {@code EBUSY}.
     * For a regular file this is always false.
     *
     * @throws LivengException when the path cannot be opened at all (the message names the errno)
     */
    boolean inUseExclusively(String path) throws LivengException;

    /**
     * Holds a block device open with {@code O_EXCL} until closed: while held,
     * the kernel refuses to mount it, use it as swap or hand it to another
     * exclusive opener, so nothing can start using the device between the
     * last safety check and the end of a write.
     *
     * @throws LivengException {@code PREFLIGHT} when the device is in use ({@code EBUSY}), {@code IO} otherwise
     */
    AutoCloseable claimExclusively(String path) throws LivengException;

    /**
     * The byte ranges of a sparse file that hold data ({@code lseek} with
     * {@code SEEK_DATA}/{@code SEEK_HOLE}), in order, each as {@code [start, end)};
     * holes read as zeros and need not be copied. A filesystem without hole
     * reporting gives one range covering the whole file.
     */
    java.util.List<long[]> dataRanges(java.nio.file.Path file) throws LivengException;
}
