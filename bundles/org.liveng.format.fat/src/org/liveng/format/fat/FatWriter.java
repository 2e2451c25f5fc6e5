package org.liveng.format.fat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.medium.FileSpec;

/**
 * Builds a complete FAT12/16/32 filesystem (FAT32 whenever the volume is large enough;
 * see {@link FatGeometry#choose}) into {@code [offset, offset + size)} of a channel.
 *
 * <p>Output is deterministic: the same files, options and size give the same bytes.
 * Directories get their clusters first (the FAT32 root at cluster 2, then the others in
 * order of first appearance), then files get contiguous runs in input order.
 *
 * <p>What is written: all reserved sectors (boot sector, for FAT32 FSInfo at 1 and the
 * backup boot sector and FSInfo at 6 and 7, zeros elsewhere), both FATs in full, the
 * FAT12/16 root directory region in full, every allocated cluster (directory and file
 * clusters, zero padded to the cluster end). Free clusters are not written, so a fresh
 * sparse file stays sparse; if the channel ends before {@code offset + size}, one zero
 * byte is written at the last position to give the volume its full size.
 */
public final class FatWriter {

    private static final int CHUNK = 1 << 20;
    /** BPB_SecPerTrk and BPB_NumHeads: a fixed geometry; nothing reads them for LBA media. */
    private static final int SECTORS_PER_TRACK = 32;
    private static final int NUM_HEADS = 64;
    private static final int DRIVE_NUMBER = 0x80;

    private FatWriter() {
    }

    /**
     * Writes the filesystem.
     *
     * @param channel a writable channel
     * @param offset byte offset of the volume in the channel (the partition start)
     * @param size volume size in bytes; a remainder below 512 is not used
     * @param files files with absolute paths; parent directories are implied
     * @param options label, serial, timestamp and layout choices
     * @return where everything went
     * @throws LivengException {@code USAGE} for invalid paths, names or sizes,
     *                         {@code PREFLIGHT} when the files do not fit (naming the size
     *                         needed), {@code IO} when a content stream delivers a size
     *                         other than declared
     */
    public static FatLayout write(SeekableByteChannel channel, long offset, long size, List<FileSpec> files, FatOptions options)
            throws IOException, LivengException {
        if (offset < 0 || size <= 0) {
            throw new IllegalArgumentException("offset " + offset + " and size " + size + " must be non-negative and positive");
        }
        FatTree tree = FatTree.build(files, !options.label().isBlank());
        FatGeometry g = FatPlanner.check(tree, size, options);
        FatType type = g.type();
        int cb = g.bytesPerCluster();

        // allocation: contiguous runs; ends marks each chain's last cluster
        BitSet ends = new BitSet();
        long next = 2;
        for (FatTree.Dir d : tree.dirs) {
            if (d == tree.root && type != FatType.FAT32) {
                d.firstCluster = 0;
                continue;
            }
            d.clusters = tree.dirClusters(d, cb);
            d.firstCluster = next;
            next += d.clusters;
            ends.set((int) (next - 1));
        }
        List<FatLayout.Placement> placements = new ArrayList<>();
        for (FatTree.File f : tree.files) {
            f.clusters = (f.size + cb - 1) / cb;
            if (f.clusters == 0) {
                f.firstCluster = 0;
            } else {
                f.firstCluster = next;
                next += f.clusters;
                ends.set((int) (next - 1));
            }
            placements.add(new FatLayout.Placement(f.path(), f.size, f.firstCluster, f.clusters,
                    f.clusters == 0 ? 0 : g.clusterOffset(f.firstCluster)));
        }
        long used = next - 2;
        DosDateTime stamp = DosDateTime.ofEpochSecond(options.epochSecond());

        writeReserved(channel, offset, g, options, used, next);
        writeFats(channel, offset, g, ends, next);
        if (type != FatType.FAT32) {
            ByteBuffer rootRegion = ByteBuffer.allocate((int) (g.rootDirSectors() * g.bytesPerSector()));
            encodeDirectory(tree, tree.root, rootRegion, stamp, options);
            writeAt(channel, offset + g.firstRootDirSector() * g.bytesPerSector(), rootRegion.rewind());
        }
        for (FatTree.Dir d : tree.dirs) {
            if (d.firstCluster == 0) {
                continue;
            }
            ByteBuffer buf = ByteBuffer.allocate((int) (d.clusters * cb));
            encodeDirectory(tree, d, buf, stamp, options);
            writeAt(channel, offset + g.clusterOffset(d.firstCluster), buf.rewind());
        }
        for (FatTree.File f : tree.files) {
            if (f.clusters > 0) {
                writeFile(channel, offset + g.clusterOffset(f.firstCluster), f, cb);
            }
        }
        long end = offset + g.sizeBytes();
        if (channel.size() < end) {
            writeAt(channel, end - 1, ByteBuffer.allocate(1));
        }
        return new FatLayout(g, placements, used);
    }

    private static void writeReserved(SeekableByteChannel ch, long offset, FatGeometry g, FatOptions o, long used, long next)
            throws IOException {
        boolean fat32 = g.type() == FatType.FAT32;
        long total = g.totalSectors();
        boolean small = !fat32 && total < 0x10000;
        String label = o.label().isBlank() ? BootSector.NO_NAME : o.label();
        BootSector bs = new BootSector(o.oemName(), g.bytesPerSector(), g.sectorsPerCluster(), g.reservedSectors(), g.numFats(),
                g.rootEntryCount(), small ? (int) total : 0, FatGeometry.MEDIA_FIXED, fat32 ? 0 : (int) g.fatSize(),
                SECTORS_PER_TRACK, NUM_HEADS, o.hiddenSectors(), small ? 0 : total, fat32 ? g.fatSize() : 0,
                0, 0, fat32 ? 2 : 0, fat32 ? FatGeometry.FSINFO_SECTOR : 0, fat32 ? FatGeometry.BACKUP_BOOT_SECTOR : 0,
                DRIVE_NUMBER, BootSector.EXTENDED_BOOT_SIGNATURE, o.serial(), label, g.type().fileSystemTypeString());
        int bps = g.bytesPerSector();
        ByteBuffer reserved = ByteBuffer.allocate(g.reservedSectors() * bps);
        reserved.put(0, bs.encode(), 0, bps);
        if (fat32) {
            ByteBuffer info = new FsInfo(g.clusterCount() - used, next <= g.clusterCount() + 1 ? next : FsInfo.UNKNOWN).encode(bps);
            reserved.put(FatGeometry.FSINFO_SECTOR * bps, info, 0, bps);
            reserved.put(FatGeometry.BACKUP_BOOT_SECTOR * bps, bs.encode(), 0, bps);
            reserved.put((FatGeometry.BACKUP_BOOT_SECTOR + FatGeometry.FSINFO_SECTOR) * bps, info, 0, bps);
        }
        writeAt(ch, offset, reserved);
    }

    /**
     * Both FATs: entry 0 holds the media byte with all other bits set, entry 1 the
     * end-of-chain value (for FAT16/32 its top bits also say "clean, no errors"), the
     * allocated clusters chain to the next or end, the rest is zero (free).
     */
    private static void writeFats(SeekableByteChannel ch, long offset, FatGeometry g, BitSet ends, long next) throws IOException {
        FatType t = g.type();
        long fatBytes = g.fatSize() * g.bytesPerSector();
        long entries = g.clusterCount() + 2;
        for (int copy = 0; copy < g.numFats(); copy++) {
            long base = offset + (g.reservedSectors() + copy * g.fatSize()) * g.bytesPerSector();
            if (t == FatType.FAT12) {
                byte[] fat = new byte[(int) fatBytes];
                for (long c = 0; c < entries; c++) {
                    long v = entryValue(t, c, ends, next);
                    int o = (int) (c * 3 / 2);
                    if ((c & 1) == 0) {
                        fat[o] = (byte) v;
                        fat[o + 1] = (byte) ((fat[o + 1] & 0xF0) | ((v >>> 8) & 0x0F));
                    } else {
                        fat[o] = (byte) ((fat[o] & 0x0F) | ((v & 0x0F) << 4));
                        fat[o + 1] = (byte) (v >>> 4);
                    }
                }
                writeAt(ch, base, ByteBuffer.wrap(fat));
                continue;
            }
            int width = t.bits / 8;
            for (long pos = 0; pos < fatBytes; pos += CHUNK) {
                int len = (int) Math.min(CHUNK, fatBytes - pos);
                ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
                long first = pos / width;
                long last = Math.min(entries, (pos + len) / width);
                for (long c = first; c < last && c < next; c++) {
                    long v = entryValue(t, c, ends, next);
                    int o = (int) ((c - first) * width);
                    if (width == 2) {
                        b.putShort(o, (short) v);
                    } else {
                        b.putInt(o, (int) v);
                    }
                }
                writeAt(ch, base + pos, b);
            }
        }
    }

    private static long entryValue(FatType t, long c, BitSet ends, long next) {
        if (c == 0) {
            long all = t == FatType.FAT32 ? 0x0FFFFFFFL : (1L << t.bits) - 1;
            return (all & ~0xFFL) | FatGeometry.MEDIA_FIXED;
        }
        if (c == 1) {
            return t.eoc;
        }
        if (c >= next) {
            return 0;
        }
        return ends.get((int) c) ? t.eoc : c + 1;
    }

    /** Encodes a directory's entries into {@code buf} (zeros after the last entry). */
    private static void encodeDirectory(FatTree tree, FatTree.Dir d, ByteBuffer buf, DosDateTime ts, FatOptions o) {
        int off = 0;
        if (d.parent == null) {
            if (tree.label) {
                entry(labelBytes(o.label()), 0, DirectoryEntry.ATTR_VOLUME_ID, 0, 0, ts).encode(buf, off);
                off += DirectoryEntry.SIZE;
            }
        } else {
            long parentCluster = d.parent.parent == null ? 0 : d.parent.firstCluster; // ".." of a root child is 0
            entry(ShortNames.pack(".", ""), 0, DirectoryEntry.ATTR_DIRECTORY, d.firstCluster, 0, ts).encode(buf, off);
            off += DirectoryEntry.SIZE;
            entry(ShortNames.pack("..", ""), 0, DirectoryEntry.ATTR_DIRECTORY, parentCluster, 0, ts).encode(buf, off);
            off += DirectoryEntry.SIZE;
        }
        for (FatTree.Node c : d.children.values()) {
            if (c.longName) {
                for (LongNameEntry l : LongNameEntry.slotsFor(c.name, ShortNames.checksum(c.shortName))) {
                    l.encode(buf, off);
                    off += DirectoryEntry.SIZE;
                }
            }
            boolean dir = c instanceof FatTree.Dir;
            long size = dir ? 0 : ((FatTree.File) c).size;
            entry(c.shortName, c.ntRes, dir ? DirectoryEntry.ATTR_DIRECTORY : DirectoryEntry.ATTR_ARCHIVE, c.firstCluster, size, ts)
                    .encode(buf, off);
            off += DirectoryEntry.SIZE;
        }
    }

    private static byte[] labelBytes(String label) {
        return pad(label, 11).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static String pad(String s, int n) {
        return s.length() >= n ? s : s + " ".repeat(n - s.length());
    }

    private static DirectoryEntry entry(byte[] name, int nt, int attr, long cluster, long size, DosDateTime ts) {
        return new DirectoryEntry(name, attr, nt, ts.tenth(), ts.time(), ts.date(), ts.date(), cluster, ts.time(), ts.date(), size);
    }

    private static void writeFile(SeekableByteChannel ch, long pos, FatTree.File f, int cb) throws IOException, LivengException {
        long total = 0;
        try (InputStream in = f.spec.content().open()) {
            byte[] buf = new byte[CHUNK];
            while (true) {
                int n = in.readNBytes(buf, 0, buf.length);
                if (total + n > f.size) {
                    throw sizeMismatch(f, total + n);
                }
                if (n < buf.length) {
                    // last piece: pad to the cluster end
                    int padded = (int) ((n + cb - 1) / cb * (long) cb);
                    java.util.Arrays.fill(buf, n, Math.max(n, padded), (byte) 0);
                    total += n;
                    if (total != f.size) {
                        throw sizeMismatch(f, total);
                    }
                    if (padded > 0) {
                        writeAt(ch, pos, ByteBuffer.wrap(buf, 0, padded));
                    }
                    return;
                }
                writeAt(ch, pos, ByteBuffer.wrap(buf));
                pos += n;
                total += n;
            }
        }
    }

    private static LivengException sizeMismatch(FatTree.File f, long got) {
        return new LivengException(ErrorCodes.IO, "content of " + f.path() + " (" + f.spec.content().describe() + ") delivered "
                + (got > f.size ? "more than " + f.size : got) + " bytes, but declared " + f.size);
    }

    static void writeAt(SeekableByteChannel ch, long pos, ByteBuffer b) throws IOException {
        ch.position(pos);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
