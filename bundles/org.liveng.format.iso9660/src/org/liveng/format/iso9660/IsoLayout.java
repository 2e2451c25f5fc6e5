package org.liveng.format.iso9660;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.format.iso9660.IsoTreeNode.IsoRecord;

/**
 * The complete, computed layout of an image {@link IsoWriter} will write: every block is
 * decided before the first byte goes out, so the image can be written forward only and its
 * exact {@link #size()} is known up front.
 *
 * <pre>
 * block           content
 * 0 - 15          system area (ECMA-119 §6.2.1): zeros or the caller's bytes
 * 16              primary volume descriptor (§8.4)
 * 17              volume descriptor set terminator (§8.3)
 * 18 ...          type L path table (§9.4, little-endian), then the type M path table (big-endian)
 * ...             directory extents in path table order (§6.8.1), records sorted per §9.3,
 *                 no record crossing a sector boundary
 * ...             SUSP continuation areas (CE), packed, none crossing a block boundary
 * ...             file data, depth-first in name order, each file starting on a block
 * </pre>
 *
 * Empty files and symbolic links have extent location 0 and data length 0. A file larger than
 * 4 GiB - 2 KiB is recorded as several extents (multi-extent, §6.5.1, flag bit 7 on all but
 * the last record), laid out contiguously.
 */
public final class IsoLayout {
    private static final int BS = VolumeDescriptor.SECTOR_SIZE;
    private static final int COPY_BUFFER = 256 * 1024;
    private static final int PVD_BLOCK = VolumeDescriptor.FIRST_SECTOR;
    private static final int TERMINATOR_BLOCK = PVD_BLOCK + 1;
    private static final int PATH_TABLE_BLOCK = TERMINATOR_BLOCK + 1;
    /** Record bytes available for identifier padding and system use: LEN_DR is even and at most 254. */
    private static final int MAX_RECORD = 254;

    /**
     * Where one entry went.
     *
     * @param path the real (Rock Ridge) path
     * @param isoPath the ISO 9660 path, e.g. {@code /LIVE/VMLINUZ.;1}
     * @param type file, directory or symbolic link
     * @param block first logical block of its data or directory extent (0 if it has none)
     * @param size data bytes of a file, extent bytes of a directory, 0 for a link
     */
    public record Placement(String path, String isoPath, IsoEntry.Type type, long block, long size) {
    }

    private final IsoWriterOptions options;
    private final IsoTreeNode root;
    private final List<IsoTreeNode> dirs;
    private final List<IsoTreeNode> files;
    private final int pathTableSize;
    private final long lTableBlock;
    private final long mTableBlock;
    private final long ceStart;
    private final long ceBlocks;
    private final long totalBlocks;

    private IsoLayout(IsoWriterOptions options, IsoTreeNode root, List<IsoTreeNode> dirs, List<IsoTreeNode> files,
            int pathTableSize, long lTableBlock, long mTableBlock, long ceStart, long ceBlocks, long totalBlocks) {
        this.options = options;
        this.root = root;
        this.dirs = dirs;
        this.files = files;
        this.pathTableSize = pathTableSize;
        this.lTableBlock = lTableBlock;
        this.mTableBlock = mTableBlock;
        this.ceStart = ceStart;
        this.ceBlocks = ceBlocks;
        this.totalBlocks = totalBlocks;
    }

    /** Exact size of the image in bytes (a multiple of 2048). */
    public long size() {
        return totalBlocks * BS;
    }

    /** Size in 2048-byte logical blocks (the PVD volume space size). */
    public long blocks() {
        return totalBlocks;
    }

    /** The UUID blkid will show for the written image. */
    public String uuid() {
        return options.uuid();
    }

    public IsoWriterOptions options() {
        return options;
    }

    /** Every entry, root first, depth-first in name order, with where it goes. */
    public List<Placement> entries() {
        List<Placement> out = new ArrayList<>();
        Deque<IsoTreeNode> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            IsoTreeNode n = stack.pop();
            out.add(new Placement(n.path(), n.isoPath(), n.type, n.block, n.isDirectory() ? n.dirLength : n.size));
            List<IsoTreeNode> l = new ArrayList<>(n.children.values());
            for (int i = l.size() - 1; i >= 0; i--) {
                stack.push(l.get(i));
            }
        }
        return out;
    }

    /**
     * Fails unless the image fits in {@code capacity} bytes.
     *
     * @throws LivengException {@code PREFLIGHT}: "needs N bytes, the partition has M"
     */
    public void requireCapacity(long capacity) throws LivengException {
        if (size() > capacity) {
            throw IsoWriter.capacityError(size(), capacity);
        }
    }

    @Override
    public String toString() {
        return "ISO 9660 image " + options.volumeId() + " UUID " + uuid() + ": " + size() + " bytes (" + totalBlocks
                + " blocks), " + dirs.size() + " directories, " + files.size() + " files";
    }

    // ------------------------------------------------------------------ layout

    static IsoLayout compute(IsoWriterOptions options, IsoTreeNode root) throws LivengException {
        root.isoId = new byte[] {0};
        // path table order (§6.9.1): by level, then parent number, then identifier
        List<IsoTreeNode> dirs = new ArrayList<>();
        dirs.add(root);
        for (int i = 0; i < dirs.size(); i++) {
            IsoTreeNode d = dirs.get(i);
            d.dirNumber = i + 1;
            IsoNames.Uniquifier u = new IsoNames.Uniquifier();
            for (IsoTreeNode c : d.children.values()) {
                c.isoId = u.assign(c.name, c.isDirectory());
                c.level = d.level + 1;
            }
            dirs.addAll(d.subdirectories());
        }
        if (dirs.size() > 0xFFFF) {
            throw new LivengException(ErrorCodes.USAGE, "the tree has " + dirs.size()
                    + " directories; an ISO 9660 path table numbers at most 65535");
        }
        // serial numbers and data order: depth-first in name order
        List<IsoTreeNode> files = new ArrayList<>();
        long serial = 1;
        Deque<IsoTreeNode> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            IsoTreeNode n = stack.pop();
            n.serial = serial++;
            if (n.type == IsoEntry.Type.FILE && n.size > 0) {
                files.add(n);
            }
            List<IsoTreeNode> l = new ArrayList<>(n.children.values());
            for (int i = l.size() - 1; i >= 0; i--) {
                stack.push(l.get(i));
            }
        }
        // records and directory sizes
        for (IsoTreeNode d : dirs) {
            buildRecords(options, d);
        }
        int ptSize = 0;
        for (IsoTreeNode d : dirs) {
            ptSize += 8 + d.isoId.length + (d.isoId.length & 1);
        }
        long ptBlocks = blocksFor(ptSize);
        long next = PATH_TABLE_BLOCK;
        long lTable = next;
        next += ptBlocks;
        long mTable = next;
        next += ptBlocks;
        for (IsoTreeNode d : dirs) {
            d.block = next;
            next += d.dirLength / BS;
        }
        long ceStart = next;
        long ceBlock = ceStart;
        int ceOffset = 0;
        boolean ceUsed = false;
        for (IsoTreeNode d : dirs) {
            for (IsoRecord r : allRecords(d)) {
                for (int i = 0; i < r.areas.size(); i++) {
                    int len = IsoRecord.areaLength(r.areas.get(i), i < r.areas.size() - 1);
                    if (ceOffset + len > BS) {
                        ceBlock++;
                        ceOffset = 0;
                    }
                    r.areaBlock[i] = ceBlock;
                    r.areaOffset[i] = ceOffset;
                    ceOffset += len;
                    ceUsed = true;
                }
            }
        }
        long ceBlocks = ceUsed ? ceBlock - ceStart + 1 : 0;
        next = ceStart + ceBlocks;
        for (IsoTreeNode f : files) {
            f.block = next;
            next += blocksFor(f.size);
        }
        if (next > 0xFFFF_FFFFL) {
            throw new LivengException(ErrorCodes.USAGE, "the ISO 9660 image would have " + next
                    + " blocks; the volume space size field holds at most 4294967295");
        }
        return new IsoLayout(options, root, dirs, files, ptSize, lTable, mTable, ceStart, ceBlocks, next);
    }

    private static long blocksFor(long bytes) {
        return (bytes + BS - 1) / BS;
    }

    private static List<IsoRecord> allRecords(IsoTreeNode d) {
        List<IsoRecord> l = new ArrayList<>(d.sorted.size() + 2);
        l.add(d.self);
        l.add(d.dotdot);
        l.addAll(d.sorted);
        return l;
    }

    private static void buildRecords(IsoWriterOptions o, IsoTreeNode d) {
        IsoTreeNode parent = d.parent == null ? d : d.parent;
        List<byte[]> selfSu = new ArrayList<>();
        if (o.rockRidge()) {
            if (d.parent == null) {
                selfSu.add(SuspWriter.sp());
            }
            selfSu.add(px(o, d));
            selfSu.add(SuspWriter.tf(d.modified));
            if (d.parent == null) {
                selfSu.add(SuspWriter.er());
            }
        }
        d.self = record(d, d, new byte[] {0}, DirectoryRecord.FLAG_DIRECTORY, 0, 0, selfSu);
        List<byte[]> parentSu = new ArrayList<>();
        if (o.rockRidge()) {
            parentSu.add(px(o, parent));
            parentSu.add(SuspWriter.tf(parent.modified));
        }
        d.dotdot = record(d, parent, new byte[] {1}, DirectoryRecord.FLAG_DIRECTORY, 0, 0, parentSu);
        List<IsoTreeNode> kids = new ArrayList<>(d.children.values());
        kids.sort((a, b) -> IsoNames.compareIdentifiers(a.isoId, b.isoId));
        for (IsoTreeNode c : kids) {
            List<byte[]> su = new ArrayList<>();
            if (o.rockRidge()) {
                su.add(px(o, c));
                su.add(SuspWriter.tf(c.modified));
                su.addAll(SuspWriter.nm(c.name));
                if (c.type == IsoEntry.Type.SYMLINK) {
                    su.addAll(SuspWriter.sl(c.target));
                }
            }
            if (c.type == IsoEntry.Type.FILE && c.size > o.maxExtent()) {
                for (long off = 0; off < c.size; off += o.maxExtent()) {
                    long len = Math.min(o.maxExtent(), c.size - off);
                    int flags = off + len < c.size ? DirectoryRecord.FLAG_MULTI_EXTENT : 0;
                    IsoRecord r = record(c, c, c.isoId, flags, off, len, su);
                    c.records.add(r);
                    d.sorted.add(r);
                }
            } else {
                int flags = c.isDirectory() ? DirectoryRecord.FLAG_DIRECTORY : 0;
                IsoRecord r = record(c, c, c.isoId, flags, 0, c.type == IsoEntry.Type.FILE ? c.size : 0, su);
                c.records.add(r);
                d.sorted.add(r);
            }
        }
        // §6.8.1.1: a record ends in the sector where it begins; the extent is whole sectors
        long sectors = 1;
        int used = 0;
        for (IsoRecord r : allRecords(d)) {
            if (used + r.length > BS) {
                sectors++;
                used = 0;
            }
            used += r.length;
        }
        d.dirLength = sectors * BS;
    }

    private static byte[] px(IsoWriterOptions o, IsoTreeNode n) {
        long type = switch (n.type) {
            case FILE -> 0100000L;
            case DIRECTORY -> RockRidge.S_IFDIR;
            case SYMLINK -> RockRidge.S_IFLNK;
        };
        return SuspWriter.px(type | n.mode, n.nlink(), o.uid(), o.gid(), n.serial);
    }

    /** Splits the entries between the record and continuation areas (SUSP §5.1). */
    private static IsoRecord record(IsoTreeNode node, IsoTreeNode describes, byte[] id, int flags, long partOffset,
            long partLength, List<byte[]> entries) {
        int fixed = DirectoryRecord.OFF_ID + id.length + ((id.length & 1) == 0 ? 1 : 0);
        int room = MAX_RECORD - fixed;
        int total = 0;
        for (byte[] e : entries) {
            total += e.length;
        }
        List<byte[]> in = new ArrayList<>();
        List<List<byte[]>> areas = new ArrayList<>();
        if (total <= room) {
            in.addAll(entries);
        } else {
            int i = 0;
            int used = 0;
            while (i < entries.size() && used + entries.get(i).length <= room - SuspParser.CE_LENGTH) {
                used += entries.get(i).length;
                in.add(entries.get(i++));
            }
            List<byte[]> cur = new ArrayList<>();
            int curLen = 0;
            while (i < entries.size()) {
                int rest = 0;
                for (int k = i; k < entries.size(); k++) {
                    rest += entries.get(k).length;
                }
                if (curLen + rest <= BS) {
                    cur.addAll(entries.subList(i, entries.size()));
                    break;
                }
                if (curLen + entries.get(i).length <= BS - SuspParser.CE_LENGTH) {
                    curLen += entries.get(i).length;
                    cur.add(entries.get(i++));
                } else {
                    areas.add(cur);
                    cur = new ArrayList<>();
                    curLen = 0;
                }
            }
            areas.add(cur);
        }
        return new IsoRecord(node, describes, id, flags, partOffset, partLength, in, areas);
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes the image into {@code ch} starting at byte {@code offset} (the channel is
     * positioned there and then written strictly forward), e.g. a partition of a disk image.
     */
    public void writeTo(SeekableByteChannel ch, long offset) throws LivengException, IOException {
        ch.position(offset);
        writeTo((WritableByteChannel) ch);
    }

    /** Writes the image forward only to a stream (which stays open). */
    public void writeTo(OutputStream out) throws LivengException, IOException {
        WritableByteChannel ch = Channels.newChannel(out);
        writeTo(ch);
        out.flush();
    }

    /**
     * Writes the image forward only: metadata is built in memory (a few KiB per directory),
     * file contents are streamed from {@link org.liveng.api.medium.Content#open()} in 256 KiB
     * chunks. A content whose size differs from the planned size is an {@code IO} error; the
     * image is then incomplete.
     */
    public void writeTo(WritableByteChannel ch) throws LivengException, IOException {
        Sink s = new Sink(ch);
        ByteBuffer head = ByteBuffer.allocate(PATH_TABLE_BLOCK * BS);
        head.put(0, options.systemArea());
        writePrimary(head.slice(PVD_BLOCK * BS, BS));
        ByteBuffer term = head.slice(TERMINATOR_BLOCK * BS, BS);
        term.put(0, (byte) VolumeDescriptor.TYPE_TERMINATOR);
        term.put(1, VolumeDescriptor.STANDARD_ID.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        term.put(6, (byte) 1);
        s.write(head, 0);
        s.write(pathTable(true), lTableBlock);
        s.write(pathTable(false), mTableBlock);
        for (IsoTreeNode d : dirs) {
            s.write(directory(d), d.block);
        }
        if (ceBlocks > 0) {
            s.write(continuationAreas(), ceStart);
        }
        byte[] buf = new byte[COPY_BUFFER];
        for (IsoTreeNode f : files) {
            s.expect(f.block);
            copy(f, s, buf);
        }
        s.expect(totalBlocks);
    }

    private void writePrimary(ByteBuffer b) {
        b.put(VolumeDescriptor.OFF_TYPE, (byte) VolumeDescriptor.TYPE_PRIMARY);
        b.put(VolumeDescriptor.OFF_STANDARD_ID, VolumeDescriptor.STANDARD_ID.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.put(VolumeDescriptor.OFF_VERSION, (byte) 1);
        IsoEncode.text(b, VolumeDescriptor.OFF_SYSTEM_ID, 32, options.systemId());
        IsoEncode.text(b, VolumeDescriptor.OFF_VOLUME_ID, 32, options.volumeId());
        IsoEncode.both32(b, VolumeDescriptor.OFF_SPACE_SIZE, totalBlocks);
        IsoEncode.both16(b, VolumeDescriptor.OFF_SET_SIZE, 1);
        IsoEncode.both16(b, VolumeDescriptor.OFF_SEQ_NUMBER, 1);
        IsoEncode.both16(b, VolumeDescriptor.OFF_BLOCK_SIZE, BS);
        IsoEncode.both32(b, VolumeDescriptor.OFF_PATH_TABLE_SIZE, pathTableSize);
        IsoEncode.le32(b, VolumeDescriptor.OFF_L_TABLE, lTableBlock);
        IsoEncode.be32(b, VolumeDescriptor.OFF_M_TABLE, mTableBlock);
        IsoRecord rootSelf = new IsoRecord(root, root, new byte[] {0}, DirectoryRecord.FLAG_DIRECTORY, 0, 0, List.of(),
                List.of());
        putRecord(b, VolumeDescriptor.OFF_ROOT, rootSelf);
        IsoEncode.text(b, VolumeDescriptor.OFF_VOLUME_SET_ID, 128, options.volumeSetId());
        IsoEncode.text(b, VolumeDescriptor.OFF_PUBLISHER_ID, 128, options.publisherId());
        IsoEncode.text(b, VolumeDescriptor.OFF_PREPARER_ID, 128, options.dataPreparerId());
        IsoEncode.text(b, VolumeDescriptor.OFF_APPLICATION_ID, 128, options.applicationId());
        IsoEncode.text(b, VolumeDescriptor.OFF_COPYRIGHT_ID, 37, "");
        IsoEncode.text(b, VolumeDescriptor.OFF_ABSTRACT_ID, 37, "");
        IsoEncode.text(b, VolumeDescriptor.OFF_BIBLIO_ID, 37, "");
        IsoEncode.decDateTime(b, VolumeDescriptor.OFF_CREATION, options.creationDigits());
        IsoEncode.decDateTime(b, VolumeDescriptor.OFF_MODIFICATION, options.modificationDigits());
        IsoEncode.decDateTimeUnset(b, VolumeDescriptor.OFF_EXPIRATION);
        IsoEncode.decDateTimeUnset(b, VolumeDescriptor.OFF_EFFECTIVE);
        b.put(VolumeDescriptor.OFF_FS_VERSION, (byte) 1);
    }

    /** §9.4: LEN_DI, XAR length, extent, parent number, identifier, padding to even. */
    private ByteBuffer pathTable(boolean typeL) {
        ByteBuffer b = ByteBuffer.allocate((int) (blocksFor(pathTableSize) * BS));
        int pos = 0;
        for (IsoTreeNode d : dirs) {
            int len = d.isoId.length;
            b.put(pos, (byte) len);
            int parent = d.parent == null ? 1 : d.parent.dirNumber;
            if (typeL) {
                IsoEncode.le32(b, pos + 2, d.block);
                b.put(pos + 6, (byte) parent).put(pos + 7, (byte) (parent >> 8));
            } else {
                IsoEncode.be32(b, pos + 2, d.block);
                b.put(pos + 6, (byte) (parent >> 8)).put(pos + 7, (byte) parent);
            }
            b.put(pos + 8, d.isoId);
            pos += 8 + len + (len & 1);
        }
        return b;
    }

    private ByteBuffer directory(IsoTreeNode d) {
        ByteBuffer b = ByteBuffer.allocate((int) d.dirLength);
        int sector = 0;
        int used = 0;
        for (IsoRecord r : allRecords(d)) {
            if (used + r.length > BS) {
                sector++;
                used = 0;
            }
            putRecord(b, sector * BS + used, r);
            used += r.length;
        }
        return b;
    }

    /** §9.1 directory record; {@code b} is zeroed, so unused fields and padding stay 0. */
    private static void putRecord(ByteBuffer b, int pos, IsoRecord r) {
        IsoTreeNode n = r.describes;
        long extent;
        long length;
        if (n.isDirectory()) {
            extent = n.block;
            length = n.dirLength;
        } else if (n.type == IsoEntry.Type.FILE && r.partLength > 0) {
            extent = n.block + r.partOffset / BS;
            length = r.partLength;
        } else {
            extent = 0;
            length = 0;
        }
        b.put(pos + DirectoryRecord.OFF_LENGTH, (byte) r.length);
        IsoEncode.both32(b, pos + DirectoryRecord.OFF_EXTENT, extent);
        IsoEncode.both32(b, pos + DirectoryRecord.OFF_DATA_LENGTH, length);
        b.put(pos + DirectoryRecord.OFF_RECORDED, IsoEncode.shortDate(n.modified));
        b.put(pos + DirectoryRecord.OFF_FLAGS, (byte) r.flags);
        IsoEncode.both16(b, pos + DirectoryRecord.OFF_VOLUME_SEQ, 1);
        b.put(pos + DirectoryRecord.OFF_ID_LENGTH, (byte) r.id.length);
        b.put(pos + DirectoryRecord.OFF_ID, r.id);
        int at = pos + DirectoryRecord.OFF_ID + r.id.length + ((r.id.length & 1) == 0 ? 1 : 0);
        for (byte[] e : r.inRecord) {
            b.put(at, e);
            at += e.length;
        }
        if (!r.areas.isEmpty()) {
            b.put(at, SuspWriter.ce(r.areaBlock[0], r.areaOffset[0], IsoRecord.areaLength(r.areas.get(0), r.areas.size() > 1)));
        }
    }

    private ByteBuffer continuationAreas() {
        ByteBuffer b = ByteBuffer.allocate((int) (ceBlocks * BS));
        for (IsoTreeNode d : dirs) {
            for (IsoRecord r : allRecords(d)) {
                for (int i = 0; i < r.areas.size(); i++) {
                    int at = (int) ((r.areaBlock[i] - ceStart) * BS + r.areaOffset[i]);
                    for (byte[] e : r.areas.get(i)) {
                        b.put(at, e);
                        at += e.length;
                    }
                    if (i < r.areas.size() - 1) {
                        b.put(at, SuspWriter.ce(r.areaBlock[i + 1], r.areaOffset[i + 1],
                                IsoRecord.areaLength(r.areas.get(i + 1), i + 1 < r.areas.size() - 1)));
                    }
                }
            }
        }
        return b;
    }

    private static void copy(IsoTreeNode f, Sink s, byte[] buf) throws LivengException, IOException {
        String what = "content " + f.content.describe() + " of " + f.path();
        long now = f.content.size();
        if (now != f.size) {
            throw sizeError(what + " now has " + now + " bytes, but had " + f.size + " when the image was planned");
        }
        long done = 0;
        try (InputStream in = f.content.open()) {
            while (done < f.size) {
                int want = (int) Math.min(buf.length, f.size - done);
                int n = in.readNBytes(buf, 0, want);
                if (n == 0) {
                    throw sizeError(what + " ended after " + done + " bytes, but its size is " + f.size);
                }
                s.write(ByteBuffer.wrap(buf, 0, n));
                done += n;
            }
            if (in.read() >= 0) {
                throw sizeError(what + " has more than the " + f.size + " bytes its size announced");
            }
        }
        int tail = (int) (f.size % BS);
        if (tail != 0) {
            s.write(ByteBuffer.allocate(BS - tail));
        }
    }

    private static LivengException sizeError(String message) {
        return new LivengException(ErrorCodes.IO, message + "; the ISO 9660 image written so far is incomplete",
                "do not change files while the image is written, then write it again");
    }

    /** Counts what goes out and checks that every region starts where the layout put it. */
    private static final class Sink {
        private final WritableByteChannel ch;
        private long written;

        Sink(WritableByteChannel ch) {
            this.ch = ch;
        }

        void write(ByteBuffer b, long block) throws IOException, LivengException {
            expect(block);
            write(b);
        }

        void write(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                written += ch.write(b);
            }
        }

        void expect(long block) throws LivengException {
            if (written != block * BS) {
                throw new LivengException(ErrorCodes.INTERNAL, "ISO 9660 writer: region planned at block " + block
                        + " (byte " + block * BS + ") but " + written + " bytes were written before it");
            }
        }
    }
}
