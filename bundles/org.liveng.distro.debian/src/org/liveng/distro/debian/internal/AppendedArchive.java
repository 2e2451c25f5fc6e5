package org.liveng.distro.debian.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * The archive appended to an initrd: one gzip-compressed cpio "newc" archive
 * ({@code Documentation/driver-api/early-userspace/buffer-format.rst}), owned
 * by root, with one modification time, entries in path order (parents first),
 * so that the same inputs give the same bytes. The kernel unpacks it after the
 * original archives; a file here replaces one of the same path.
 */
final class AppendedArchive {
    private record Item(int mode, Path content, byte[] bytes) {
    }

    private final Map<String, Item> items = new TreeMap<>();

    void directory(String path) {
        items.putIfAbsent(path, new Item(CpioConstants.C_ISDIR | 0755, null, null));
    }

    void file(String path, int permissions, Path content) {
        items.put(path, new Item(CpioConstants.C_ISREG | (permissions & 07777), content, null));
    }

    void file(String path, int permissions, byte[] bytes) {
        items.put(path, new Item(CpioConstants.C_ISREG | (permissions & 07777), null, bytes.clone()));
    }

    boolean has(String path) {
        return items.containsKey(path);
    }

    /** Appends {@code original} (unchanged), zero padding to a multiple of 4, then this archive, to {@code out}. */
    void writeAfter(Path original, Path out, long mtime) throws IOException {
        try (OutputStream o = Files.newOutputStream(out)) {
            long n = Files.copy(original, o);
            o.write(new byte[(int) ((4 - n % 4) % 4)]);
            GZIPOutputStream gz = new GZIPOutputStream(o, 1 << 16);
            CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(gz, CpioConstants.FORMAT_NEW, 512, "US-ASCII");
            for (Map.Entry<String, Item> e : items.entrySet()) {
                Item it = e.getValue();
                byte[] data = it.bytes() != null ? it.bytes() : it.content() != null ? Files.readAllBytes(it.content()) : new byte[0];
                CpioArchiveEntry entry = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, e.getKey(), data.length);
                entry.setMode(it.mode());
                entry.setTime(mtime);
                entry.setUID(0);
                entry.setGID(0);
                entry.setNumberOfLinks((it.mode() & CpioConstants.S_IFMT) == CpioConstants.C_ISDIR ? 2 : 1);
                cpio.putArchiveEntry(entry);
                cpio.write(data);
                cpio.closeArchiveEntry();
            }
            cpio.finish();
            gz.finish();
        }
    }
}
