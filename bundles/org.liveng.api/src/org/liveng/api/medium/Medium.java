package org.liveng.api.medium;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

import org.liveng.api.LivengException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A read-only view of a file tree on a medium: an upstream ISO 9660 image, a
 * kernel slot, an unpacked directory. Paths are absolute, '/'-separated and
 * case-sensitive ({@code /live/vmlinuz}); on media without Rock Ridge or
 * Joliet the names are the ISO 9660 names without version suffix.
 *
 * <p>Closing the medium closes the underlying channel.
 */
@ProviderType
public interface Medium extends AutoCloseable {

    /** Where the medium came from (a file name, a device), for messages. */
    String source();

    /** The volume identifier (ISO 9660 volume id, FAT label), possibly empty. */
    String volumeId();

    /**
     * The UUID a Linux system and GRUB see for this medium, for ISO 9660 the
     * volume modification date as blkid formats it ({@code 2024-06-29-10-24-01-00});
     * empty when the medium has none.
     */
    String uuid();

    /** Total size in bytes. */
    long size();

    /** The entry at a path, or empty. Symbolic links are not followed. */
    Optional<MediumEntry> stat(String path) throws LivengException;

    /** The entries of a directory, sorted by name. */
    List<MediumEntry> list(String directory) throws LivengException;

    /** The content of a regular file. The stream must be closed by the caller. */
    InputStream open(String path) throws LivengException;

    /** Convenience: the whole content of a small file, refusing files above {@code maxBytes}. */
    default byte[] readAll(String path, int maxBytes) throws LivengException {
        MediumEntry e = stat(path).orElseThrow(() -> new LivengException(
                org.liveng.api.ErrorCodes.NOT_FOUND, source() + ": no file " + path));
        if (e.size() > maxBytes) {
            throw new LivengException(org.liveng.api.ErrorCodes.FORMAT,
                    source() + ": " + path + " is " + e.size() + " bytes, more than the " + maxBytes + " expected");
        }
        try (InputStream in = open(path)) {
            return in.readAllBytes();
        } catch (IOException ex) {
            throw new LivengException(org.liveng.api.ErrorCodes.IO, source() + ": reading " + path + " failed: " + ex.getMessage(), null, ex);
        }
    }

    @Override
    void close() throws IOException;
}
