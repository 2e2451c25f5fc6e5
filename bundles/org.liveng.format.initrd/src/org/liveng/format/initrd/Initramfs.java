package org.liveng.format.initrd;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.liveng.api.FormatException;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.SingleXZInputStream;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;

/**
 * The contents of a Linux initramfs image, read the way the kernel unpacks it
 * ({@code init/initramfs.c}, {@code Documentation/driver-api/early-userspace/buffer-format.rst}):
 *
 * <pre>
 * initramfs  := ( NUL* segment )* NUL*
 * segment    := cpio_archive                 (uncompressed, starting at a multiple of 4)
 *             | compressed( cpio_archive ( NUL* cpio_archive )* NUL* )
 * </pre>
 *
 * A typical Debian initrd is an uncompressed early-microcode archive followed
 * by one compressed main archive. Supported compressions: gzip, xz, lzma,
 * bzip2, zstd and the lz4 legacy frame ({@link Compression}). Each compressed
 * segment is decoded only as far as its own end, so the next one can follow.
 *
 * <p>Reading is streaming: memory stays bounded whatever the image size (one
 * I/O buffer, the decoder's window, and the captured contents, which the caller
 * caps). Later entries with the same path replace earlier ones, as the kernel
 * overwrites files. Corrupt or truncated input raises {@link FormatException}
 * with the byte offset and what was expected versus found.
 *
 * <p>Instances are immutable.
 */
public final class Initramfs {
    /** Most entries accepted in one image before it is treated as hostile. */
    public static final int MAX_ENTRIES = 1 << 20;
    /** Most segments accepted in one image. */
    public static final int MAX_SEGMENTS = 4096;
    /** Most decompressed bytes accepted from one segment (a decompression-bomb guard). */
    public static final long MAX_DECOMPRESSED_BYTES = 64L << 30;
    /** Memory limit handed to the xz and lzma decoders, in KiB (xz -9 needs 65 MiB). */
    static final int XZ_MEMORY_LIMIT_KIB = 96 * 1024;
    /** Default cap on captured content for {@link #read(Path)}. */
    public static final long DEFAULT_MAX_CAPTURE_BYTES = 16L << 20;
    private static final int DECOMPRESSED_BUFFER = 1 << 16;

    private final List<Segment> segments;
    private final List<CpioEntry> entries;
    private final Map<String, CpioEntry> byPath;
    private final Map<String, byte[]> captured;
    private final List<String> captureSkipped;

    private Initramfs(List<Segment> segments, Map<String, CpioEntry> byPath, Map<String, byte[]> captured,
            List<String> captureSkipped) {
        this.segments = List.copyOf(segments);
        this.byPath = Collections.unmodifiableMap(byPath);
        this.entries = List.copyOf(byPath.values());
        this.captured = Collections.unmodifiableMap(captured);
        this.captureSkipped = List.copyOf(captureSkipped);
    }

    /** Reads an initramfs file without capturing any content. */
    public static Initramfs read(Path file) throws IOException, FormatException {
        return read(file, p -> false, 0);
    }

    /** Reads an initramfs file, capturing the contents of regular files whose path matches {@code capture}. */
    public static Initramfs read(Path file, Predicate<String> capture, long maxCaptureBytes)
            throws IOException, FormatException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, ch.size(), capture, maxCaptureBytes);
        }
    }

    /**
     * Reads {@code size} bytes of initramfs from the channel's current position.
     * Offsets in the result and in errors are relative to that position. The
     * channel is not closed.
     *
     * @param ch the channel holding the image
     * @param size number of bytes of image
     * @param capture which regular files (by normalised path) to keep the content of
     * @param maxCaptureBytes total bytes of content to keep; files that would exceed
     *        it are listed in {@link #captureSkipped()} instead
     * @throws FormatException when the image is corrupt, truncated or not an initramfs
     * @throws IOException when reading the channel fails
     */
    public static Initramfs read(SeekableByteChannel ch, long size, Predicate<String> capture, long maxCaptureBytes)
            throws IOException, FormatException {
        Objects.requireNonNull(ch, "ch");
        Objects.requireNonNull(capture, "capture");
        if (size < 0 || maxCaptureBytes < 0) {
            throw new IllegalArgumentException("negative size or capture limit");
        }
        return new Reader(new ChannelInput(ch, ch.position(), size), capture, maxCaptureBytes).readAll();
    }

    /** The segments in image order. */
    public List<Segment> segments() {
        return segments;
    }

    /** The effective entries, one per path (the last one written wins), in order of first appearance. */
    public List<CpioEntry> entries() {
        return entries;
    }

    /** The effective entry at a path (normalised like entry paths: leading "./" or "/" ignored). */
    public Optional<CpioEntry> find(String path) {
        return Optional.ofNullable(byPath.get(CpioReader.normalise(path)));
    }

    /** Whether an entry exists at the path. */
    public boolean contains(String path) {
        return byPath.containsKey(CpioReader.normalise(path));
    }

    /** The content of a captured regular file (a copy), or empty when not captured. */
    public Optional<byte[]> captured(String path) {
        byte[] b = captured.get(CpioReader.normalise(path));
        return b == null ? Optional.empty() : Optional.of(b.clone());
    }

    /** Paths of captured files, in order of appearance. */
    public List<String> capturedPaths() {
        return List.copyOf(captured.keySet());
    }

    /** Paths that matched the capture predicate but did not fit into the capture limit. */
    public List<String> captureSkipped() {
        return captureSkipped;
    }

    /** The compressions of the segments in order, e.g. {@code [none, zstd]}. */
    public List<Compression> compressions() {
        return segments.stream().map(Segment::compression).toList();
    }

    @Override
    public String toString() {
        return "Initramfs" + segments + " with " + entries.size() + " entries";
    }

    /** One reading pass: the segment loop plus the entry collector. */
    private static final class Reader implements CpioReader.Listener {
        private final ChannelInput in;
        private final Predicate<String> capture;
        private final long maxCaptureBytes;
        private final List<Segment> segments = new ArrayList<>();
        private final Map<String, CpioEntry> byPath = new LinkedHashMap<>();
        private final Map<String, byte[]> captured = new LinkedHashMap<>();
        private final Map<String, Boolean> skipped = new LinkedHashMap<>();
        private long captureBytes;
        private int totalEntries;
        private CpioReader current;

        Reader(ChannelInput in, Predicate<String> capture, long maxCaptureBytes) {
            this.in = in;
            this.capture = capture;
            this.maxCaptureBytes = maxCaptureBytes;
        }

        Initramfs readAll() throws IOException, FormatException {
            byte[] head = new byte[Compression.MAGIC_PROBE_LENGTH];
            while (true) {
                int b = in.peekByte();
                if (b < 0) {
                    break;
                }
                if (b == 0) {
                    in.consume(1); // the kernel skips NUL bytes between segments
                    continue;
                }
                long offset = in.position();
                if (segments.size() >= MAX_SEGMENTS) {
                    throw new FormatException(offset, "more than " + MAX_SEGMENTS + " initramfs segments at offset 0x"
                            + Long.toHexString(offset));
                }
                int n = in.peek(head, head.length);
                Compression c = Compression.detect(head, n);
                if (c == null) {
                    String hint = Compression.unsupportedHint(head, n);
                    throw new FormatException(offset, "initramfs segment " + segments.size() + " at offset 0x"
                            + Long.toHexString(offset) + ": unknown magic " + Compression.hex(head, n)
                            + (CpioReader.isPrintable(head, n) ? " (\"" + new String(head, 0, n, StandardCharsets.US_ASCII)
                                    + "\")" : "") + ", expected a cpio archive (070701) or gzip, xz, "
                            + "lzma, bzip2, zstd or lz4 legacy data" + (hint == null ? "" : "; " + hint));
                }
                if (c == Compression.NONE && offset % CpioReader.ALIGNMENT != 0) {
                    throw new FormatException(offset, "initramfs segment " + segments.size()
                            + ": uncompressed cpio archive at offset 0x" + Long.toHexString(offset)
                            + ", which is not a multiple of 4 (broken padding)");
                }
                readSegment(segments.size(), c, offset);
            }
            if (segments.isEmpty()) {
                throw new FormatException(0, "no initramfs segment: the input (" + in.size()
                        + " bytes) is empty or only zero bytes");
            }
            List<String> skip = new ArrayList<>(skipped.keySet());
            return new Initramfs(segments, byPath, captured, skip);
        }

        private void readSegment(int index, Compression c, long offset) throws IOException, FormatException {
            InputStream decoder = null;
            try {
                if (c == Compression.NONE) {
                    current = new CpioReader(in, in, index, offset, c, this);
                    current.readSingleArchive();
                } else {
                    decoder = open(c);
                    InputStream data = new BufferedInputStream(new LimitedInputStream(decoder, offset, c),
                            DECOMPRESSED_BUFFER);
                    current = new CpioReader(data, null, index, offset, c, this);
                    current.readArchivesToEnd();
                }
            } catch (CorruptDataException e) {
                throw new FormatException(e.offset(), "initramfs segment " + index + " (" + c.displayName()
                        + " at offset 0x" + Long.toHexString(offset) + "): " + e.getMessage(), e);
            } catch (ChannelIOException e) {
                throw (IOException) e.getCause();
            } catch (IOException | RuntimeException e) {
                ChannelIOException io = channelFailure(e);
                if (io != null) {
                    throw (IOException) io.getCause();
                }
                throw new FormatException(in.position(), "initramfs segment " + index + " (" + c.displayName()
                        + " at offset 0x" + Long.toHexString(offset) + "): corrupt " + c.displayName() + " data near offset 0x"
                        + Long.toHexString(in.position()) + ": " + describe(e), e);
            } finally {
                if (decoder != null) {
                    try {
                        decoder.close();
                    } catch (IOException | RuntimeException e) {
                        // nothing more to learn from a decoder we are done with
                    }
                }
            }
            segments.add(new Segment(index, c, offset, in.position() - offset, current.entries()));
        }

        private InputStream open(Compression c) throws IOException {
            return switch (c) {
                case GZIP -> new GzipMemberInputStream(in);
                case XZ -> new SingleXZInputStream(in, XZ_MEMORY_LIMIT_KIB);
                case LZMA -> new LZMAInputStream(in, XZ_MEMORY_LIMIT_KIB);
                case BZIP2 -> new BZip2CompressorInputStream(in, false);
                case ZSTD -> new ZstdInputStreamNoFinalizer(new ZstdFrameSlicer(in));
                case LZ4_LEGACY -> new Lz4LegacyInputStream(in);
                case NONE -> throw new IllegalStateException("not compressed");
            };
        }

        private static ChannelIOException channelFailure(Throwable t) {
            for (Throwable x = t; x != null; x = x.getCause()) {
                if (x instanceof ChannelIOException c) {
                    return c;
                }
                if (x.getCause() == x) {
                    break;
                }
            }
            return null;
        }

        private static String describe(Throwable e) {
            String m = e.getMessage();
            if (e instanceof EOFException) {
                return "unexpected end of data (truncated)" + (m == null ? "" : " (" + m + ")");
            }
            return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        }

        @Override
        public boolean wantsData(String path, EntryType type, long size) {
            if (!capture.test(path)) {
                return false;
            }
            byte[] old = captured.get(path);
            long budget = maxCaptureBytes - captureBytes + (old == null ? 0 : old.length);
            if (size > budget) {
                skipped.put(path, Boolean.TRUE);
                return false;
            }
            return true;
        }

        @Override
        public void entry(CpioEntry entry, byte[] data, long headerOffset) throws FormatException {
            if (++totalEntries > MAX_ENTRIES) {
                throw current.fail(headerOffset, "more than " + MAX_ENTRIES + " entries");
            }
            String path = entry.path();
            byPath.put(path, entry); // a later entry replaces an earlier one, as the kernel overwrites it
            byte[] old = captured.remove(path);
            if (old != null) {
                captureBytes -= old.length;
            }
            if (data != null) {
                captured.put(path, data);
                captureBytes += data.length;
                skipped.remove(path);
            }
        }
    }

    /** Stops a decoder that produces more than {@link #MAX_DECOMPRESSED_BYTES}. */
    private static final class LimitedInputStream extends InputStream {
        private final InputStream in;
        private final long segmentOffset;
        private final Compression compression;
        private long count;

        LimitedInputStream(InputStream in, long segmentOffset, Compression compression) {
            this.in = in;
            this.segmentOffset = segmentOffset;
            this.compression = compression;
        }

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
                if (count > MAX_DECOMPRESSED_BYTES) {
                    throw new CorruptDataException(segmentOffset, compression.displayName() + " data decompresses to more than "
                            + MAX_DECOMPRESSED_BYTES + " bytes");
                }
            }
            return n;
        }
    }
}
