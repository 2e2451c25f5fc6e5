package org.liveng.format.iso9660;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.liveng.api.FormatException;

/**
 * A read-only ISO 9660 image: volume descriptors, one directory tree (Rock Ridge, Joliet or
 * plain ISO 9660 names), file contents and the El Torito boot catalog.
 *
 * <p>The whole directory tree is read and checked when the image is opened, so a corrupt or
 * hostile image fails early with a {@link FormatException}; afterwards listing and lookups
 * are in-memory and file contents are streamed in bounded chunks. The image owns its channel:
 * {@link #close()} closes it, and so does a failing {@code open}.
 *
 * <p>Not supported: multi-session images (only the descriptors at sector 16 are read),
 * interleaved files, extended attribute record contents, zisofs (ZF) compression.
 */
public final class IsoImage implements AutoCloseable {
    private static final int STREAM_CHUNK = 64 * 1024;

    private final ImageChannel img;
    private final String source;
    private final VolumeDescriptorSet descriptors;
    private final boolean rockRidge;
    private final Namespace namespace;
    private final IsoLimits limits;
    private final Map<String, IsoEntry> byPath;
    private final Map<String, List<IsoEntry>> children;
    private final List<BootCatalogEntry> bootCatalog;

    private IsoImage(ImageChannel img, String source, Namespace requested, IsoLimits limits) throws FormatException {
        this.img = img;
        this.source = source;
        this.limits = limits;
        this.descriptors = VolumeDescriptorSet.read(img);
        VolumeDescriptor pvd = descriptors.primary();
        long need = pvd.volumeSpaceBytes();
        if (need > img.size()) {
            throw new FormatException(img.size(), "ISO 9660 image is truncated: the primary volume descriptor at "
                    + IsoBytes.hex(pvd.offset()) + " gives a volume space of " + pvd.volumeSpaceSize() + " blocks ("
                    + need + " bytes), but the image has only " + img.size() + " bytes");
        }
        int skip = detectRockRidge(pvd);
        this.rockRidge = skip >= 0;
        Namespace ns = switch (requested) {
            case AUTO -> rockRidge ? Namespace.ROCK_RIDGE : descriptors.joliet().isPresent() ? Namespace.JOLIET : Namespace.ISO9660;
            default -> requested;
        };
        if (ns == Namespace.ROCK_RIDGE && !rockRidge) {
            throw new FormatException(pvd.offset(), "ISO 9660 image " + source + " has no Rock Ridge extensions"
                    + " (no SP/ER in the root directory's '.' record)");
        }
        if (ns == Namespace.JOLIET && descriptors.joliet().isEmpty()) {
            throw new FormatException(pvd.offset(), "ISO 9660 image " + source
                    + " has no Joliet supplementary volume descriptor");
        }
        this.namespace = ns;
        VolumeDescriptor treeVd = ns == Namespace.JOLIET ? descriptors.joliet().get() : pvd;
        TreeReader.Tree tree = new TreeReader(img, treeVd, ns, skip, limits).read();
        this.byPath = tree.byPath();
        this.children = tree.children();
        this.bootCatalog = readBootCatalog();
    }

    /** Opens an image in the namespace {@link Namespace#AUTO} with default limits; the image owns the channel. */
    public static IsoImage open(SeekableByteChannel ch, String source) throws FormatException, IOException {
        return open(ch, source, Namespace.AUTO, IsoLimits.DEFAULT);
    }

    /** Opens an image reading the given namespace; fails if the image does not have it. */
    public static IsoImage open(SeekableByteChannel ch, String source, Namespace namespace) throws FormatException, IOException {
        return open(ch, source, namespace, IsoLimits.DEFAULT);
    }

    /**
     * Opens an image. The returned image owns {@code ch}; if opening fails, {@code ch} is closed.
     *
     * @param source a description (file name) for messages
     */
    public static IsoImage open(SeekableByteChannel ch, String source, Namespace namespace, IsoLimits limits)
            throws FormatException, IOException {
        ImageChannel img = null;
        try {
            img = new ImageChannel(ch);
            return new IsoImage(img, source, namespace, limits);
        } catch (FormatException | IOException | RuntimeException e) {
            ch.close();
            if (e instanceof FormatException fe) {
                throw new FormatException(fe.offset(), source + ": " + fe.getMessage(), fe);
            }
            throw e;
        }
    }

    /** Opens an image file. */
    public static IsoImage open(Path file) throws FormatException, IOException {
        return open(file, Namespace.AUTO);
    }

    /** Opens an image file reading the given namespace. */
    public static IsoImage open(Path file, Namespace namespace) throws FormatException, IOException {
        return open(FileChannel.open(file, StandardOpenOption.READ), file.toString(), namespace, IsoLimits.DEFAULT);
    }

    private int detectRockRidge(VolumeDescriptor pvd) throws FormatException {
        DirectoryRecord root = pvd.rootDirectoryRecord();
        long at = (root.extentLocation() + root.extAttrLength()) * pvd.logicalBlockSize();
        int n = (int) Math.min(VolumeDescriptor.SECTOR_SIZE, root.dataLength());
        if (n < DirectoryRecord.MIN_LENGTH) {
            throw new FormatException(root.offset(), "ISO 9660 root directory record at offset " + IsoBytes.hex(root.offset())
                    + ": data length " + root.dataLength() + " is below the minimum " + DirectoryRecord.MIN_LENGTH);
        }
        ByteBuffer b = img.read(at, n, "ISO 9660 root directory");
        DirectoryRecord self = DirectoryRecord.parse(b, 0, at);
        int skip = SuspParser.spSkip(self);
        if (skip < 0) {
            return -1;
        }
        List<SuspEntry> entries = new SuspParser(img, pvd.logicalBlockSize(), limits.maxContinuationAreas()).entries(self, 0);
        if (RockRidge.announced(entries) || RockRidge.decode(entries).present()) {
            return skip;
        }
        return -1;
    }

    private List<BootCatalogEntry> readBootCatalog() throws FormatException {
        Optional<BootRecord> br = bootRecord();
        if (br.isEmpty()) {
            return List.of();
        }
        List<BootCatalogEntry> raw = ElTorito.read(img, br.get());
        Map<Long, String> starts = new HashMap<>();
        for (IsoEntry e : walk()) {
            if (e.isFile() && e.size() > 0) {
                // El Torito RBAs count 2048-byte sectors
                long off = e.extents().get(0).offset();
                if (off % ElTorito.SECTOR == 0) {
                    starts.putIfAbsent(off / ElTorito.SECTOR, e.path());
                }
            }
        }
        List<BootCatalogEntry> out = new ArrayList<>(raw.size());
        for (BootCatalogEntry e : raw) {
            out.add(e.withPath(starts.get(e.loadRba())));
        }
        return List.copyOf(out);
    }

    /** Where the image came from, for messages. */
    public String source() {
        return source;
    }

    /** Size of the image in bytes (the channel size). */
    public long size() {
        return img.size();
    }

    /** All volume descriptors read. */
    public VolumeDescriptorSet descriptors() {
        return descriptors;
    }

    /** The primary volume descriptor. */
    public VolumeDescriptor primary() {
        return descriptors.primary();
    }

    /** The Joliet supplementary volume descriptor, if any. */
    public Optional<VolumeDescriptor> joliet() {
        return descriptors.joliet();
    }

    /** The El Torito boot record, if any. */
    public Optional<BootRecord> bootRecord() {
        return descriptors.bootRecords().stream().filter(BootRecord::isElTorito).findFirst();
    }

    /** Whether the primary tree carries Rock Ridge (SP in the root's "." record plus ER or RRIP entries). */
    public boolean hasRockRidge() {
        return rockRidge;
    }

    /** The namespace the tree was read in (never AUTO). */
    public Namespace namespace() {
        return namespace;
    }

    /** The volume identifier of the primary volume descriptor. */
    public String volumeId() {
        return primary().volumeId();
    }

    /**
     * The UUID that blkid (libblkid's iso9660 prober) and GRUB show: the 16 digits of the PVD
     * <em>modification</em> date formatted {@code YYYY-MM-DD-HH-mm-ss-cc}. Like libblkid, the
     * creation date is used when the modification date is "not specified" (all digits '0' and
     * GMT offset 0). Unlike libblkid, which copies whatever bytes are there, a date that is not
     * all ASCII digits yields the empty string; so does an image with neither date set.
     */
    public String uuid() {
        DecDateTime d = primary().modification();
        if (d.isUnset()) {
            d = primary().creation();
            if (d.isUnset()) {
                return "";
            }
        }
        if (!d.isAllDigits()) {
            return "";
        }
        String s = d.digits();
        return s.substring(0, 4) + "-" + s.substring(4, 6) + "-" + s.substring(6, 8) + "-" + s.substring(8, 10) + "-"
                + s.substring(10, 12) + "-" + s.substring(12, 14) + "-" + s.substring(14, 16);
    }

    /** The root directory. */
    public IsoEntry root() {
        return byPath.get("/");
    }

    /** The entries of a directory of this image, sorted by name. */
    public List<IsoEntry> list(IsoEntry dir) {
        if (!dir.isDirectory()) {
            throw new IllegalArgumentException(dir.path() + " is not a directory");
        }
        List<IsoEntry> l = children.get(dir.path());
        if (l == null) {
            throw new IllegalArgumentException(dir.path() + " is not a directory of " + source);
        }
        return List.copyOf(l);
    }

    /** The entry at an absolute path, without following symbolic links. */
    public Optional<IsoEntry> lookup(String absolutePath) {
        return Optional.ofNullable(byPath.get(normalize(absolutePath)));
    }

    /**
     * The entry at an absolute path, following symbolic links in every component (at most
     * {@link IsoLimits#maxSymlinkHops()} of them); empty if it does not resolve inside the image.
     */
    public Optional<IsoEntry> resolve(String absolutePath) {
        Deque<String> todo = new ArrayDeque<>(split(absolutePath));
        List<String> cur = new ArrayList<>();
        int hops = 0;
        while (!todo.isEmpty()) {
            String part = todo.pollFirst();
            if (part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!cur.isEmpty()) {
                    cur.remove(cur.size() - 1);
                }
                continue;
            }
            cur.add(part);
            IsoEntry e = byPath.get("/" + String.join("/", cur));
            if (e == null) {
                return Optional.empty();
            }
            if (e.isSymlink()) {
                if (++hops > limits.maxSymlinkHops()) {
                    return Optional.empty();
                }
                cur.remove(cur.size() - 1);
                String t = e.symlinkTarget();
                if (t.startsWith("/")) {
                    cur.clear();
                }
                List<String> tp = split(t);
                for (int i = tp.size() - 1; i >= 0; i--) {
                    todo.addFirst(tp.get(i));
                }
            } else if (!todo.isEmpty() && !e.isDirectory()) {
                return Optional.empty();
            }
        }
        return Optional.ofNullable(byPath.get(cur.isEmpty() ? "/" : "/" + String.join("/", cur)));
    }

    private static List<String> split(String p) {
        List<String> out = new ArrayList<>();
        for (String s : p.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private static String normalize(String p) {
        List<String> parts = split(p);
        return parts.isEmpty() ? "/" : "/" + String.join("/", parts);
    }

    /** Every entry, root first, depth-first with each directory's children sorted by name. */
    public List<IsoEntry> walk() {
        List<IsoEntry> out = new ArrayList<>(byPath.size());
        Deque<IsoEntry> stack = new ArrayDeque<>();
        stack.push(root());
        while (!stack.isEmpty()) {
            IsoEntry e = stack.pop();
            out.add(e);
            if (e.isDirectory()) {
                List<IsoEntry> l = children.getOrDefault(e.path(), List.of());
                for (int i = l.size() - 1; i >= 0; i--) {
                    stack.push(l.get(i));
                }
            }
        }
        return out;
    }

    /** Size of the ISO 9660 system area (ECMA-119 §6.2.1): logical sectors 0 to 15. */
    public static final int SYSTEM_AREA_SIZE = 16 * 2048;

    /**
     * The system area: the first 32 KiB, unused by ISO 9660 itself; hybrid images keep an MBR
     * (and possibly a GPT) there.
     */
    public byte[] systemArea() throws FormatException {
        java.nio.ByteBuffer b = img.read(0, SYSTEM_AREA_SIZE, "system area");
        byte[] out = new byte[SYSTEM_AREA_SIZE];
        b.get(out);
        return out;
    }

    /**
     * Whether the image starts with an MBR carrying boot code, as isohybrid images do: the
     * 0x55AA signature at byte 510 and non-zero bytes in the 440-byte boot code area.
     */
    public boolean hasMbrBootCode() throws FormatException {
        byte[] sa = systemArea();
        if ((sa[510] & 0xFF) != 0x55 || (sa[511] & 0xFF) != 0xAA) {
            return false;
        }
        for (int i = 0; i < 440; i++) {
            if (sa[i] != 0) {
                return true;
            }
        }
        return false;
    }

    /** The El Torito boot catalog entries (initial entry first), empty without El Torito. */
    public List<BootCatalogEntry> bootCatalog() {
        return bootCatalog;
    }

    /** The primary volume's path table, parsed from the type L table and checked against type M. */
    public List<PathTableEntry> pathTable() throws FormatException {
        return PathTableEntry.read(img, primary(), limits.maxEntries());
    }

    /**
     * Streams a regular file's extents in order, reading at most 64 KiB at a time. Reading
     * fails with an {@link IOException} if the image was closed or shrank.
     */
    public InputStream open(IsoEntry file) {
        if (!file.isFile()) {
            throw new IllegalArgumentException(file.path() + " is not a regular file");
        }
        return new ExtentStream(file);
    }

    @Override
    public void close() throws IOException {
        img.close();
    }

    private final class ExtentStream extends InputStream {
        private final IsoEntry entry;
        private int extent;
        private long posInExtent;
        private final ByteBuffer buf = ByteBuffer.allocate(STREAM_CHUNK);
        private boolean closed;

        ExtentStream(IsoEntry entry) {
            this.entry = entry;
            buf.limit(0);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("stream closed");
            }
            if (len == 0) {
                return 0;
            }
            if (!buf.hasRemaining() && !fill()) {
                return -1;
            }
            int n = Math.min(len, buf.remaining());
            buf.get(b, off, n);
            return n;
        }

        private boolean fill() throws IOException {
            List<IsoEntry.Extent> xs = entry.extents();
            while (extent < xs.size() && posInExtent >= xs.get(extent).length()) {
                extent++;
                posInExtent = 0;
            }
            if (extent >= xs.size()) {
                return false;
            }
            IsoEntry.Extent x = xs.get(extent);
            int want = (int) Math.min(STREAM_CHUNK, x.length() - posInExtent);
            buf.clear();
            buf.limit(want);
            int got = img.readAt(x.offset() + posInExtent, buf);
            if (got < want) {
                throw new EOFException(source + ": " + entry.path() + ": image ends at offset "
                        + IsoBytes.hex(x.offset() + posInExtent + got) + " inside the file's extent");
            }
            buf.flip();
            posInExtent += want;
            return true;
        }

        /** Skips without reading: moves through the extents arithmetically. */
        @Override
        public long skip(long n) throws IOException {
            if (closed) {
                throw new IOException("stream closed");
            }
            if (n <= 0) {
                return 0;
            }
            long done = Math.min(n, buf.remaining());
            buf.position(buf.position() + (int) done);
            List<IsoEntry.Extent> xs = entry.extents();
            while (done < n && extent < xs.size()) {
                long left = xs.get(extent).length() - posInExtent;
                long step = Math.min(left, n - done);
                posInExtent += step;
                done += step;
                if (posInExtent >= xs.get(extent).length()) {
                    extent++;
                    posInExtent = 0;
                }
            }
            return done;
        }

        @Override
        public int available() {
            return buf.remaining();
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
