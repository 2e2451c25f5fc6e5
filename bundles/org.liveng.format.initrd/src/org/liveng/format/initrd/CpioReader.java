package org.liveng.format.initrd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.liveng.api.FormatException;

/**
 * Streaming parser for cpio "newc" ({@code 070701}) and "crc" ({@code 070702})
 * archives, following the kernel's {@code init/initramfs.c} and
 * {@code Documentation/driver-api/early-userspace/buffer-format.rst}.
 *
 * <pre>
 * header (110 bytes, ASCII): c_magic[6] then 13 fields of 8 hex digits:
 *   c_ino c_mode c_uid c_gid c_nlink c_mtime c_filesize
 *   c_maj c_min c_rmaj c_rmin c_namesize c_chksum
 * name   c_namesize bytes including the terminating NUL, padded to a multiple of 4
 *        (counted from the start of the header)
 * data   c_filesize bytes, padded to a multiple of 4 (a symlink's data is its target)
 * </pre>
 *
 * An archive ends with the entry named {@code TRAILER!!!}. Inside one
 * compressed segment several archives may follow each other, separated by
 * NUL bytes, each starting at a multiple of 4. For {@code 070702} the
 * checksum (the 32-bit sum of all data bytes) of regular files is verified.
 *
 * <p>Every field is validated before use and nothing is allocated from a
 * header value: names and link targets are capped, data is skipped in fixed
 * chunks or collected as it arrives.
 */
final class CpioReader {
    static final int HEADER_SIZE = 110;
    static final int MAGIC_SIZE = 6;
    static final int FIELD_WIDTH = 8;
    static final int ALIGNMENT = 4;
    /** PATH_MAX, including the terminating NUL. */
    static final int MAX_NAME_SIZE = 4096;
    /** Longest symbolic link target accepted (PATH_MAX). */
    static final int MAX_LINK_TARGET = 4096;
    static final String TRAILER = "TRAILER!!!";
    private static final int SKIP_CHUNK = 1 << 16;

    private static final int F_MODE = 1;
    private static final int F_UID = 2;
    private static final int F_GID = 3;
    private static final int F_MTIME = 5;
    private static final int F_FILESIZE = 6;
    private static final int F_NAMESIZE = 11;
    private static final int F_CHECK = 12;
    private static final int FIELD_COUNT = 13;

    /** Receives entries and decides which contents to keep. */
    interface Listener {
        /** Whether the data of this entry should be collected and passed to {@link #entry}. */
        boolean wantsData(String path, EntryType type, long size);

        /** One entry; {@code data} is its content when {@link #wantsData} said so, else {@code null}. */
        void entry(CpioEntry entry, byte[] data, long headerOffset) throws FormatException;
    }

    private final InputStream in;
    /** The channel input when reading an uncompressed segment (bounds known), else {@code null}. */
    private final ChannelInput direct;
    private final int segment;
    private final long segmentOffset;
    private final Compression compression;
    private final Listener listener;
    private final byte[] header = new byte[HEADER_SIZE];
    private final byte[] nameBuf = new byte[MAX_NAME_SIZE];
    private final byte[] chunk = new byte[SKIP_CHUNK];
    private final long[] fields = new long[FIELD_COUNT];
    /** Bytes consumed from {@code in} by this reader. */
    private long pos;
    private int entries;

    CpioReader(InputStream in, ChannelInput direct, int segment, long segmentOffset, Compression compression,
            Listener listener) {
        this.in = in;
        this.direct = direct;
        this.segment = segment;
        this.segmentOffset = segmentOffset;
        this.compression = compression;
        this.listener = listener;
    }

    int entries() {
        return entries;
    }

    /** Bytes consumed so far (relative to the start of the segment's, possibly decompressed, data). */
    long position() {
        return pos;
    }

    FormatException fail(long at, String message) {
        if (compression == Compression.NONE) {
            return new FormatException(segmentOffset + at, "initramfs segment " + segment + " (cpio at offset 0x"
                    + Long.toHexString(segmentOffset) + "), offset 0x" + Long.toHexString(segmentOffset + at) + ": "
                    + message);
        }
        return new FormatException(segmentOffset, "initramfs segment " + segment + " (" + compression.displayName()
                + " at offset 0x" + Long.toHexString(segmentOffset) + "), decompressed offset 0x" + Long.toHexString(at)
                + ": " + message);
    }

    /** Reads exactly one archive, up to and including its trailer (uncompressed segments). */
    void readSingleArchive() throws IOException, FormatException {
        readArchive(false);
    }

    /** Reads every archive of a decompressed stream until its end, checking the padding between them. */
    void readArchivesToEnd() throws IOException, FormatException {
        boolean any = false;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (!any) {
                    throw fail(pos, "no cpio archive in the decompressed data");
                }
                return;
            }
            pos++;
            if (b == 0) {
                continue;
            }
            long at = pos - 1;
            if (b != '0') {
                throw fail(at, String.format("junk within compressed archive: byte 0x%02x where a cpio header "
                        + "(070701) or zero padding was expected", b));
            }
            if (at % ALIGNMENT != 0) {
                throw fail(at, "cpio header at an offset that is not a multiple of 4 (broken padding)");
            }
            header[0] = (byte) b;
            readArchive(true);
            any = true;
        }
    }

    private void readArchive(boolean firstByteRead) throws IOException, FormatException {
        boolean pending = firstByteRead;
        while (true) {
            long start = pending ? pos - 1 : pos;
            readFully(header, pending ? 1 : 0, pending ? HEADER_SIZE - 1 : HEADER_SIZE, start, "cpio header (110 bytes)");
            pending = false;
            if (readEntry(start)) {
                return;
            }
        }
    }

    /** Parses one entry whose header is in {@code header}; true when it was the trailer. */
    private boolean readEntry(long start) throws IOException, FormatException {
        boolean crc;
        if (Compression.startsWith(header, MAGIC_SIZE, Compression.CPIO_NEWC)) {
            crc = false;
        } else if (Compression.startsWith(header, MAGIC_SIZE, Compression.CPIO_CRC)) {
            crc = true;
        } else if (Compression.startsWith(header, MAGIC_SIZE, Compression.CPIO_ODC)) {
            throw fail(start, "old portable cpio format (magic 070707); the kernel needs newc (070701)");
        } else {
            throw fail(start, "expected cpio magic 070701 or 070702, found " + printable(header, MAGIC_SIZE));
        }
        for (int i = 0; i < FIELD_COUNT; i++) {
            fields[i] = parseHex(start, i);
        }
        long nameSize = fields[F_NAMESIZE];
        long fileSize = fields[F_FILESIZE];
        if (nameSize < 1 || nameSize > MAX_NAME_SIZE) {
            throw fail(start, "name size " + nameSize + " is outside 1.." + MAX_NAME_SIZE);
        }
        long nameEnd = start + HEADER_SIZE + nameSize;
        long dataStart = align(nameEnd);
        long dataEnd = align(dataStart + fileSize);
        if (direct != null) {
            long left = direct.remaining() + pos - start; // bytes from the header start to the end of the input
            if (dataStart - start > left) {
                throw fail(start, "name size " + nameSize + " runs past the end of the input (" + (left - HEADER_SIZE)
                        + " bytes left after the header)");
            }
            if (dataStart + fileSize - start > left) {
                throw fail(start, "file size " + fileSize + " runs past the end of the input (" + (left - (dataStart - start))
                        + " bytes left after the name)");
            }
        }
        int n = (int) nameSize;
        readFully(nameBuf, 0, n, start + HEADER_SIZE, "entry name (" + n + " bytes)");
        if (nameBuf[n - 1] != 0) {
            throw fail(start + HEADER_SIZE, "entry name of " + n + " bytes is not NUL-terminated");
        }
        for (int i = 0; i < n - 1; i++) {
            if (nameBuf[i] == 0) {
                throw fail(start + HEADER_SIZE, "entry name contains a NUL byte at position " + i + " of " + (n - 1));
            }
        }
        String rawName = new String(nameBuf, 0, n - 1, StandardCharsets.UTF_8);
        skipExactly(dataStart - pos, "name padding");
        if (TRAILER.equals(rawName)) {
            skipData(fileSize, false, rawName);
            skipExactly(dataEnd - pos, "data padding");
            return true;
        }
        int mode = (int) fields[F_MODE];
        EntryType type = EntryType.ofMode(mode);
        String path = normalise(rawName);
        String linkTarget = null;
        byte[] data = null;
        long sum;
        if (type == EntryType.SYMLINK) {
            if (fileSize > MAX_LINK_TARGET) {
                throw fail(start, "symbolic link " + path + " has a target of " + fileSize + " bytes, more than "
                        + MAX_LINK_TARGET);
            }
            byte[] t = new byte[(int) fileSize];
            readFully(t, 0, t.length, dataStart, "link target of " + path);
            linkTarget = new String(t, StandardCharsets.UTF_8);
            sum = checksum(t, t.length);
        } else if (type == EntryType.FILE && listener.wantsData(path, type, fileSize)) {
            data = collect(fileSize, path);
            sum = checksum(data, data.length);
        } else {
            sum = skipData(fileSize, crc, path);
        }
        if (crc && type == EntryType.FILE && (sum & 0xffffffffL) != fields[F_CHECK]) {
            throw fail(start, String.format("checksum mismatch for %s: header says %08x, data sums to %08x", path,
                    fields[F_CHECK], sum & 0xffffffffL));
        }
        skipExactly(dataEnd - pos, "data padding");
        entries++;
        listener.entry(new CpioEntry(path, mode, type, fileSize, fields[F_UID], fields[F_GID], fields[F_MTIME],
                linkTarget, segment), data, start);
        return false;
    }

    private long parseHex(long start, int field) throws FormatException {
        int off = MAGIC_SIZE + field * FIELD_WIDTH;
        long v = 0;
        for (int i = 0; i < FIELD_WIDTH; i++) {
            int d = Character.digit(header[off + i], 16);
            if (d < 0) {
                throw fail(start + off, "header field " + field + " is not 8 hex digits: " + printable(header, off, FIELD_WIDTH));
            }
            v = v << 4 | d;
        }
        return v;
    }

    private static long align(long v) {
        return (v + ALIGNMENT - 1) & -ALIGNMENT;
    }

    private static long checksum(byte[] b, int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += b[i] & 0xff;
        }
        return s;
    }

    private void readFully(byte[] b, int off, int len, long at, String what) throws IOException, FormatException {
        int got = 0;
        while (got < len) {
            int r = in.read(b, off + got, len - got);
            if (r < 0) {
                throw fail(at, "truncated " + what + ": expected " + len + " bytes, found " + got);
            }
            got += r;
            pos += r;
        }
    }

    private void skipExactly(long n, String what) throws IOException, FormatException {
        long at = pos;
        long left = n;
        while (left > 0) {
            int r = in.read(chunk, 0, (int) Math.min(left, chunk.length));
            if (r < 0) {
                throw fail(at, "truncated " + what + ": expected " + n + " bytes, found " + (n - left));
            }
            left -= r;
            pos += r;
        }
    }

    /** Skips an entry's data, returning the sum of its bytes when {@code sum} is set. */
    private long skipData(long n, boolean sum, String path) throws IOException, FormatException {
        long at = pos;
        long left = n;
        long s = 0;
        while (left > 0) {
            int r = in.read(chunk, 0, (int) Math.min(left, chunk.length));
            if (r < 0) {
                throw fail(at, "truncated data of " + path + ": expected " + n + " bytes, found " + (n - left));
            }
            if (sum) {
                s += checksum(chunk, r);
            }
            left -= r;
            pos += r;
        }
        return s;
    }

    /** Reads an entry's data into memory as it arrives (the caller capped {@code n}). */
    private byte[] collect(long n, String path) throws IOException, FormatException {
        long at = pos;
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(n, SKIP_CHUNK));
        long left = n;
        while (left > 0) {
            int r = in.read(chunk, 0, (int) Math.min(left, chunk.length));
            if (r < 0) {
                throw fail(at, "truncated data of " + path + ": expected " + n + " bytes, found " + (n - left));
            }
            out.write(chunk, 0, r);
            left -= r;
            pos += r;
        }
        return out.toByteArray();
    }

    /**
     * Normalises a cpio member name: strips leading {@code "./"} and {@code "/"}
     * (repeatedly) and trailing {@code "/"}; the root itself becomes {@code "."}.
     */
    static String normalise(String name) {
        int b = 0;
        int e = name.length();
        while (true) {
            if (name.startsWith("./", b)) {
                b += 2;
            } else if (name.startsWith("/", b)) {
                b++;
            } else {
                break;
            }
        }
        while (e > b && name.charAt(e - 1) == '/') {
            e--;
        }
        String p = name.substring(b, e);
        return p.isEmpty() || p.equals(".") ? "." : p;
    }

    private static String printable(byte[] b, int n) {
        return printable(b, 0, n);
    }

    /** Whether the first {@code n} bytes are printable ASCII. */
    static boolean isPrintable(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] < 0x20 || b[i] > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** Shows bytes as text when printable ASCII, else as hex. */
    static String printable(byte[] b, int off, int n) {
        byte[] c = new byte[n];
        System.arraycopy(b, off, c, 0, n);
        if (isPrintable(c, n)) {
            return "\"" + new String(c, StandardCharsets.US_ASCII) + "\"";
        }
        return Compression.hex(c, n);
    }
}
