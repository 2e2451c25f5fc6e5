package org.liveng.format.fat;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.liveng.api.ErrorCodes;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;

/**
 * Reads FAT12, FAT16 and FAT32 volumes, and rewrites a file's content in place.
 *
 * <p>Nothing read from the medium is used before it is bounds-checked: the boot sector
 * counts must add up and fit the channel, every cluster number must lie in
 * {@code [2, clusterCount + 1]}, cluster chains are followed with loop detection and
 * must hold the file size, directories are at most 65536 entries, and {@link #walk()}
 * refuses a directory reached twice (a cycle or cross-link). Each violation is a
 * {@link FormatException} carrying the absolute channel offset of the bad field.
 *
 * <p>The FAT type follows the BPB layout as Linux does: BPB_FATSz16 = 0 means FAT32
 * (mkfs.fat can make FAT32 volumes below 65525 clusters); otherwise the cluster count
 * decides between FAT12 and FAT16 (fatgen103 §3.5). Times are read as UTC. Names are
 * matched case-insensitively, as FAT drivers do. The reader owns the channel.
 */
public final class FatReader implements Closeable {

    /** Largest directory: 65536 entries of 32 bytes (fatgen103 §6). */
    public static final int MAX_DIRECTORY_BYTES = 65536 * DirectoryEntry.SIZE;
    /** Largest cluster accepted, 256 KiB (the spec allows 32 KiB; some tools make 64 KiB). */
    public static final int MAX_CLUSTER_BYTES = 256 * 1024;
    private static final int FAT_BLOCK = 64 * 1024;
    private static final int FAT_CACHE_BLOCKS = 64;

    private final SeekableByteChannel channel;
    private final long offset;
    private final String source;
    private final BootSector boot;
    private final FsInfo fsInfo;
    private final FatType type;
    private final long clusterCount;
    private final int bytesPerCluster;
    private final long fatStart;
    private final long rootDirStart;
    private final long dataStart;
    private final String label;
    private final Map<Long, byte[]> fatCache = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> e) {
            return size() > FAT_CACHE_BLOCKS;
        }
    };

    private FatReader(SeekableByteChannel channel, long offset, String source) throws IOException, FormatException {
        this.channel = channel;
        this.offset = offset;
        this.source = source;
        long available = channel.size() - offset;
        if (available < BootSector.SIZE) {
            throw new FormatException(offset, source + ": truncated FAT volume at offset " + offset + ": " + Math.max(0, available)
                    + " bytes, expected at least a " + BootSector.SIZE + "-byte boot sector");
        }
        BootSector b = BootSector.parse(readAt(offset, BootSector.SIZE), offset);
        this.boot = b;
        long total = b.totalSectors();
        if (total == 0) {
            throw new FormatException(offset + BootSector.OFF_TOT_SEC32, source + ": FAT BPB_TotSec16 and BPB_TotSec32 at offset "
                    + (offset + BootSector.OFF_TOT_SEC16) + " are both 0");
        }
        if (b.fatSize() == 0) {
            throw new FormatException(offset + BootSector.OFF_FAT_SZ32, source + ": FAT BPB_FATSz16 and BPB_FATSz32 at offset "
                    + (offset + BootSector.OFF_FAT_SZ16) + " are both 0");
        }
        if (b.bytesPerCluster() > MAX_CLUSTER_BYTES) {
            throw new FormatException(offset + BootSector.OFF_SEC_PER_CLUS, source + ": FAT cluster size " + b.bytesPerCluster()
                    + " at offset " + (offset + BootSector.OFF_SEC_PER_CLUS) + " exceeds " + MAX_CLUSTER_BYTES);
        }
        boolean fat32 = b.isFat32Layout();
        if (fat32 != (b.rootEntryCount() == 0)) {
            throw new FormatException(offset + BootSector.OFF_ROOT_ENT_CNT, source + ": FAT BPB_RootEntCnt at offset "
                    + (offset + BootSector.OFF_ROOT_ENT_CNT) + " is " + b.rootEntryCount() + ", expected "
                    + (fat32 ? "0 for FAT32" : "non-zero for FAT12/16"));
        }
        if (b.firstDataSector() >= total) {
            throw new FormatException(offset + BootSector.OFF_TOT_SEC16, source + ": FAT counts at offset " + offset
                    + " do not add up: the data area would start at sector " + b.firstDataSector() + " of " + total);
        }
        if (total > available / b.bytesPerSector()) {
            throw new FormatException(offset + available, source + ": truncated FAT volume at offset " + offset + ": " + total
                    + " sectors of " + b.bytesPerSector() + " bytes = " + total * b.bytesPerSector() + " bytes expected, "
                    + available + " available");
        }
        this.clusterCount = b.countOfClusters();
        if (clusterCount < 1) {
            throw new FormatException(offset, source + ": FAT volume at offset " + offset + " has no data clusters");
        }
        this.type = fat32 ? FatType.FAT32 : clusterCount < FatType.FAT16.minClusters ? FatType.FAT12 : FatType.FAT16;
        if (clusterCount > type.maxClusters) {
            throw new FormatException(offset, source + ": " + type + " volume at offset " + offset + " has " + clusterCount
                    + " clusters, more than the " + type.maxClusters + " its FAT entries can address");
        }
        if (type.fatBytes(clusterCount + 2) > b.fatSize() * b.bytesPerSector()) {
            throw new FormatException(offset + (fat32 ? BootSector.OFF_FAT_SZ32 : BootSector.OFF_FAT_SZ16), source
                    + ": FAT size at offset " + offset + " is " + b.fatSize() + " sectors, too small for " + (clusterCount + 2)
                    + " " + type.bits + "-bit entries");
        }
        if (b.activeFat() >= b.numFats()) {
            throw new FormatException(offset + BootSector.OFF_EXT_FLAGS, source + ": FAT32 BPB_ExtFlags at offset "
                    + (offset + BootSector.OFF_EXT_FLAGS) + " selects FAT " + b.activeFat() + " of " + b.numFats());
        }
        this.bytesPerCluster = b.bytesPerCluster();
        this.fatStart = offset + (b.firstFatSector() + (long) b.activeFat() * b.fatSize()) * b.bytesPerSector();
        this.rootDirStart = offset + b.firstRootDirSector() * b.bytesPerSector();
        this.dataStart = offset + b.firstDataSector() * b.bytesPerSector();
        FsInfo info = null;
        if (fat32) {
            if (b.rootCluster() < 2 || b.rootCluster() > clusterCount + 1) {
                throw new FormatException(offset + BootSector.OFF_ROOT_CLUS, source + ": FAT32 BPB_RootClus at offset "
                        + (offset + BootSector.OFF_ROOT_CLUS) + " is " + b.rootCluster() + ", expected 2 to " + (clusterCount + 1));
            }
            int s = b.fsInfoSector();
            if (s != 0 && s != 0xFFFF) {
                if (s >= b.reservedSectorCount()) {
                    throw new FormatException(offset + BootSector.OFF_FS_INFO, source + ": FAT32 BPB_FSInfo at offset "
                            + (offset + BootSector.OFF_FS_INFO) + " is sector " + s + ", outside the " + b.reservedSectorCount()
                            + " reserved sectors");
                }
                long at = offset + (long) s * b.bytesPerSector();
                info = FsInfo.parse(readAt(at, BootSector.SIZE), at, clusterCount);
            }
        }
        this.fsInfo = info;
        this.label = readLabel();
    }

    /**
     * Opens the volume at {@code offset} of the channel and validates its boot sector and
     * FSInfo. The reader owns the channel; it is closed when opening fails.
     */
    public static FatReader open(SeekableByteChannel channel, long offset, String source) throws IOException, FormatException {
        try {
            return new FatReader(channel, offset, source);
        } catch (IOException | FormatException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Opens a volume at {@code offset} of a file, read-only or for {@link #replaceFileContent}. */
    public static FatReader open(Path file, long offset, boolean writable) throws IOException, FormatException {
        SeekableByteChannel ch = writable ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(file, StandardOpenOption.READ);
        return open(ch, offset, file.toString());
    }

    public String source() {
        return source;
    }

    public BootSector bootSector() {
        return boot;
    }

    /** The FAT32 FSInfo, validated, if the volume has one. */
    public Optional<FsInfo> fsInfo() {
        return Optional.ofNullable(fsInfo);
    }

    public FatType type() {
        return type;
    }

    public long clusterCount() {
        return clusterCount;
    }

    public int bytesPerCluster() {
        return bytesPerCluster;
    }

    /** Volume size in bytes (BPB total sectors times sector size). */
    public long size() {
        return boot.totalSectors() * boot.bytesPerSector();
    }

    /**
     * The volume label as blkid and fatlabel show it: the root directory's volume label
     * entry, else the boot sector's BS_VolLab unless it is "NO NAME"; trailing spaces removed.
     */
    public String label() {
        return label;
    }

    /** BS_VolID, the volume serial; 0 when the boot sector has no extended fields. */
    public long serial() {
        return boot.volumeId();
    }

    /** The serial as blkid and GRUB show it: {@code XXXX-XXXX}. */
    public String serialString() {
        return boot.serialString();
    }

    public FatEntry root() {
        return new FatEntry("/", "", "", DirectoryEntry.ATTR_DIRECTORY, 0, type == FatType.FAT32 ? boot.rootCluster() : 0, null, -1);
    }

    /** The entry at an absolute path (case-insensitive), or empty. */
    public Optional<FatEntry> stat(String path) throws IOException, FormatException {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must be absolute: " + path);
        }
        FatEntry cur = root();
        for (String p : path.split("/")) {
            if (p.isEmpty()) {
                continue;
            }
            if (!cur.isDirectory()) {
                return Optional.empty();
            }
            FatEntry found = null;
            for (FatEntry e : list(cur)) {
                if (e.name().equalsIgnoreCase(p) || e.shortName().equalsIgnoreCase(p)) {
                    found = e;
                    break;
                }
            }
            if (found == null) {
                return Optional.empty();
            }
            cur = found;
        }
        return Optional.of(cur);
    }

    /** The entries of the directory at a path, in directory order. */
    public List<FatEntry> list(String path) throws IOException, LivengException {
        FatEntry d = stat(path).orElseThrow(() -> new LivengException(ErrorCodes.NOT_FOUND, source + ": no directory " + path));
        if (!d.isDirectory()) {
            throw new LivengException(ErrorCodes.USAGE, source + ": " + path + " is not a directory");
        }
        return list(d);
    }

    /**
     * All entries below the root: the root's entries, then each directory's entries,
     * directories taken depth first. A directory reached a
     * second time (a cycle or a cross-linked directory) is a {@link FormatException}.
     */
    public List<FatEntry> walk() throws IOException, FormatException {
        List<FatEntry> out = new ArrayList<>();
        BitSet seen = new BitSet();
        if (type == FatType.FAT32) {
            seen.set((int) boot.rootCluster());
        }
        Deque<FatEntry> todo = new ArrayDeque<>();
        todo.push(root());
        while (!todo.isEmpty()) {
            FatEntry d = todo.pop();
            List<FatEntry> children = list(d);
            for (int i = children.size() - 1; i >= 0; i--) {
                FatEntry c = children.get(i);
                if (c.isDirectory()) {
                    if (seen.get((int) c.firstCluster())) {
                        throw new FormatException(c.entryOffset(), source + ": directory " + c.path() + " (entry at offset "
                                + c.entryOffset() + ") starts at cluster " + c.firstCluster()
                                + ", which another directory already uses: a directory cycle or cross-link");
                    }
                    seen.set((int) c.firstCluster());
                    todo.push(c);
                }
            }
            // keep depth-first order: add children as they come, directories are expanded later
            out.addAll(children);
        }
        return out;
    }

    /** The entries of a directory, in directory order, without "." and ".." and the volume label. */
    public List<FatEntry> list(FatEntry dir) throws IOException, FormatException {
        if (!dir.isDirectory()) {
            throw new IllegalArgumentException(dir.path() + " is not a directory");
        }
        List<FatEntry> out = new ArrayList<>();
        scan(dir, out, null);
        return out;
    }

    /** Reads a file of at most {@code maxBytes}. */
    public byte[] read(String path, int maxBytes) throws IOException, LivengException {
        FatEntry e = stat(path).orElseThrow(() -> new LivengException(ErrorCodes.NOT_FOUND, source + ": no file " + path));
        if (e.isDirectory()) {
            throw new LivengException(ErrorCodes.USAGE, source + ": " + path + " is a directory");
        }
        if (e.size() > maxBytes) {
            throw new LivengException(ErrorCodes.FORMAT, source + ": " + path + " is " + e.size() + " bytes, more than the "
                    + maxBytes + " expected");
        }
        try (InputStream in = open(e)) {
            return in.readAllBytes();
        }
    }

    /**
     * A stream over a file's content. The whole cluster chain is checked first (range,
     * loops, length against the size), so the stream itself only fails on I/O errors.
     */
    public InputStream open(FatEntry file) throws IOException, FormatException {
        if (file.isDirectory()) {
            throw new IllegalArgumentException(file.path() + " is a directory");
        }
        List<long[]> runs = fileRuns(file);
        return new InputStream() {
            private int run;
            private long inRun; // bytes consumed in the current run
            private long left = file.size();

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left == 0) {
                    return -1;
                }
                if (len == 0) {
                    return 0;
                }
                long[] r = runs.get(run);
                long runBytes = r[1] * bytesPerCluster;
                int n = (int) Math.min(Math.min(len, left), runBytes - inRun);
                ByteBuffer dst = ByteBuffer.wrap(b, off, n);
                long pos = clusterStart(r[0]) + inRun;
                while (dst.hasRemaining()) {
                    channel.position(pos + dst.position() - off);
                    if (channel.read(dst) < 0) {
                        throw new IOException(source + ": unexpected end of channel at offset " + channel.position());
                    }
                }
                inRun += n;
                left -= n;
                if (inRun == runBytes) {
                    run++;
                    inRun = 0;
                }
                return n;
            }
        };
    }

    /**
     * Replaces the content of a file without changing its size: for GRUB's grubenv, which
     * GRUB itself rewrites the same way. Writes exactly the byte ranges that hold the
     * file's current {@code size} bytes, cluster by cluster along its chain (the last
     * cluster only up to the file end). It writes nothing else: not the FATs, not the
     * directory entry (times stay), not FSInfo, not the rest of the last cluster.
     *
     * @throws LivengException {@code NOT_FOUND} when there is no such file, {@code USAGE}
     *                         for a directory or a content of another size; a
     *                         {@link FormatException} when the chain is broken
     */
    public void replaceFileContent(String path, byte[] content) throws IOException, LivengException {
        FatEntry e = stat(path).orElseThrow(() -> new LivengException(ErrorCodes.NOT_FOUND, source + ": no file " + path));
        if (e.isDirectory()) {
            throw new LivengException(ErrorCodes.USAGE, source + ": " + path + " is a directory");
        }
        if (content.length != e.size()) {
            throw new LivengException(ErrorCodes.USAGE, source + ": " + path + " is " + e.size() + " bytes, the new content "
                    + content.length + "; only a replacement of the same size is done in place");
        }
        int done = 0;
        for (long[] r : fileRuns(e)) {
            int n = (int) Math.min(content.length - done, r[1] * bytesPerCluster);
            FatWriter.writeAt(channel, clusterStart(r[0]), ByteBuffer.wrap(content, done, n));
            done += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    // ---- internals ------------------------------------------------------------------

    private long clusterStart(long cluster) {
        return dataStart + (cluster - 2) * bytesPerCluster;
    }

    private long fatEntryOffset(long cluster) {
        return fatStart + (type == FatType.FAT12 ? cluster * 3 / 2 : cluster * (type.bits / 8));
    }

    /** Runs (first cluster, count) holding a file's size, checked for range, loops and length. */
    private List<long[]> fileRuns(FatEntry f) throws IOException, FormatException {
        List<long[]> runs = new ArrayList<>();
        long needed = (f.size() + bytesPerCluster - 1) / bytesPerCluster;
        if (needed == 0) {
            return runs;
        }
        if (needed > clusterCount) {
            throw new FormatException(f.entryOffset() + DirectoryEntry.OFF_FILE_SIZE, source + ": file " + f.path()
                    + ": DIR_FileSize " + f.size() + " at offset " + (f.entryOffset() + DirectoryEntry.OFF_FILE_SIZE)
                    + " needs " + needed + " clusters, the volume has " + clusterCount);
        }
        long c = f.firstCluster();
        checkCluster(c, f.entryOffset() + DirectoryEntry.OFF_FST_CLUS_LO, "file " + f.path() + " first cluster");
        BitSet seen = new BitSet();
        for (long i = 0; i < needed; i++) {
            if (seen.get((int) c)) {
                throw loop(f.path(), c);
            }
            seen.set((int) c);
            if (!runs.isEmpty() && runs.get(runs.size() - 1)[0] + runs.get(runs.size() - 1)[1] == c) {
                runs.get(runs.size() - 1)[1]++;
            } else {
                runs.add(new long[] {c, 1});
            }
            if (i < needed - 1) {
                long n = next(c, f.path());
                if (n < 0) {
                    throw new FormatException(fatEntryOffset(c), source + ": file " + f.path() + ": DIR_FileSize " + f.size()
                            + " needs " + needed + " clusters, but its chain ends after " + (i + 1) + " at cluster " + c
                            + " (FAT entry at offset " + fatEntryOffset(c) + ")");
                }
                c = n;
            }
        }
        return runs;
    }

    private FormatException loop(String what, long c) {
        return new FormatException(fatEntryOffset(c), source + ": cluster chain of " + what + " loops: cluster " + c
                + " (FAT entry at offset " + fatEntryOffset(c) + ") is reached twice");
    }

    private void checkCluster(long c, long where, String what) throws FormatException {
        if (c < 2 || c > clusterCount + 1) {
            throw new FormatException(where, source + ": " + what + " at offset " + where + " is " + c
                    + ", expected a cluster from 2 to " + (clusterCount + 1));
        }
    }

    /** The cluster after {@code c} in its chain, or -1 at the end of the chain. */
    private long next(long c, String what) throws IOException, FormatException {
        long at = fatEntryOffset(c);
        long v;
        if (type == FatType.FAT12) {
            int lo = fatByte(at);
            int hi = fatByte(at + 1);
            int both = lo | (hi << 8);
            v = (c & 1) == 0 ? both & 0xFFF : both >>> 4;
        } else if (type == FatType.FAT16) {
            v = fatByte(at) | (fatByte(at + 1) << 8);
        } else {
            v = (fatByte(at) | (fatByte(at + 1) << 8) | (fatByte(at + 2) << 16) | ((long) fatByte(at + 3) << 24)) & 0x0FFFFFFFL;
        }
        if (v >= type.eocMin) {
            return -1;
        }
        if (v == type.bad) {
            throw new FormatException(at, source + ": cluster chain of " + what + " reaches cluster " + c
                    + " whose FAT entry at offset " + at + " marks it bad");
        }
        if (v < 2 || v > clusterCount + 1) {
            throw new FormatException(at, source + ": cluster chain of " + what + ": FAT entry of cluster " + c + " at offset "
                    + at + " is " + v + (v < 2 ? " (free or reserved)" : ", beyond the last cluster " + (clusterCount + 1))
                    + ", expected a cluster from 2 to " + (clusterCount + 1) + " or end of chain");
        }
        return v;
    }

    private int fatByte(long at) throws IOException, FormatException {
        long rel = at - fatStart;
        long block = rel / FAT_BLOCK;
        byte[] data = fatCache.get(block);
        if (data == null) {
            long fatBytes = boot.fatSize() * boot.bytesPerSector();
            int len = (int) Math.min(FAT_BLOCK, fatBytes - block * FAT_BLOCK);
            ByteBuffer b = readAt(fatStart + block * FAT_BLOCK, len);
            data = new byte[len];
            b.get(data);
            fatCache.put(block, data);
        }
        return data[(int) (rel % FAT_BLOCK)] & 0xFF;
    }

    /** A directory's raw bytes and the channel offset of each of its clusters. */
    private record DirData(ByteBuffer bytes, long[] clusterOffsets, int unit) {
        long offsetOf(int index) {
            return clusterOffsets[index / unit] + index % unit;
        }
    }

    private DirData readDirectory(FatEntry dir) throws IOException, FormatException {
        if (dir.isRoot() && type != FatType.FAT32) {
            int len = boot.rootEntryCount() * DirectoryEntry.SIZE;
            return new DirData(readAt(rootDirStart, len), new long[] {rootDirStart}, Math.max(len, 1));
        }
        long c = dir.firstCluster();
        checkCluster(c, dir.isRoot() ? offset + BootSector.OFF_ROOT_CLUS : dir.entryOffset() + DirectoryEntry.OFF_FST_CLUS_LO,
                "directory " + dir.path() + " first cluster");
        long max = MAX_DIRECTORY_BYTES / bytesPerCluster + (MAX_DIRECTORY_BYTES % bytesPerCluster == 0 ? 0 : 1);
        List<Long> clusters = new ArrayList<>();
        BitSet seen = new BitSet();
        while (true) {
            if (seen.get((int) c)) {
                throw loop("directory " + dir.path(), c);
            }
            seen.set((int) c);
            clusters.add(c);
            if (clusters.size() > max) {
                throw new FormatException(fatEntryOffset(c), source + ": directory " + dir.path() + " has more than " + max
                        + " clusters (" + MAX_DIRECTORY_BYTES + " bytes), the most a directory may have");
            }
            long n = next(c, "directory " + dir.path());
            if (n < 0) {
                break;
            }
            c = n;
        }
        ByteBuffer all = ByteBuffer.allocate(clusters.size() * bytesPerCluster);
        long[] offs = new long[clusters.size()];
        for (int i = 0; i < offs.length; i++) {
            offs[i] = clusterStart(clusters.get(i));
            all.put(readAt(offs[i], bytesPerCluster));
        }
        return new DirData(all.flip(), offs, bytesPerCluster);
    }

    /** Parses a directory into {@code out}; with {@code labelOut} set, only looks for the volume label. */
    private void scan(FatEntry dir, List<FatEntry> out, String[] labelOut) throws IOException, FormatException {
        DirData d = readDirectory(dir);
        ByteBuffer b = d.bytes();
        List<LongNameEntry> pending = new ArrayList<>();
        String prefix = dir.isRoot() ? "/" : dir.path() + "/";
        for (int i = 0; i + DirectoryEntry.SIZE <= b.limit(); i += DirectoryEntry.SIZE) {
            int first = b.get(i) & 0xFF;
            if (first == DirectoryEntry.END) {
                break;
            }
            if (first == DirectoryEntry.FREE) {
                pending.clear();
                continue;
            }
            int attr = b.get(i + DirectoryEntry.OFF_ATTR) & 0x3F;
            if (attr == DirectoryEntry.ATTR_LONG_NAME) {
                LongNameEntry l = LongNameEntry.parse(b, i);
                if (l.isLast()) {
                    pending.clear();
                    if (l.sequence() >= 1 && l.sequence() <= LongNameEntry.MAX_SLOTS) {
                        pending.add(l);
                    }
                } else if (!pending.isEmpty() && l.ord() == pending.get(0).sequence() - pending.size()
                        && l.checksum() == pending.get(0).checksum()) {
                    pending.add(l);
                } else {
                    pending.clear();
                }
                continue;
            }
            DirectoryEntry e = DirectoryEntry.parse(b, i);
            long where = d.offsetOf(i);
            if (e.isVolumeLabel()) {
                pending.clear();
                if (labelOut != null && dir.isRoot() && labelOut[0] == null) {
                    labelOut[0] = BootSector.ascii(b, i, 11).stripTrailing();
                }
                continue;
            }
            if (e.isDotEntry()) {
                pending.clear();
                continue;
            }
            if (labelOut != null) {
                pending.clear();
                continue;
            }
            String shortName = e.displayName();
            checkShortName(e.name(), where, dir.path());
            String name = shortName;
            if (!pending.isEmpty() && pending.size() == pending.get(0).sequence()
                    && pending.get(0).checksum() == ShortNames.checksum(e.name())) {
                String longName = assemble(pending);
                if (!longName.isEmpty() && longName.indexOf('/') < 0 && !longName.equals(".") && !longName.equals("..")) {
                    name = longName;
                }
            }
            pending.clear();
            long size = e.isDirectory() ? 0 : e.fileSize();
            if (e.isDirectory()) {
                checkCluster(e.firstCluster(), where + DirectoryEntry.OFF_FST_CLUS_LO, "directory " + prefix + name + " first cluster");
            } else if (e.fileSize() > 0) {
                checkCluster(e.firstCluster(), where + DirectoryEntry.OFF_FST_CLUS_LO, "file " + prefix + name + " first cluster");
            }
            out.add(new FatEntry(prefix + name, name, shortName, e.attributes(), size, e.firstCluster(), e.modified(), where));
        }
    }

    private static String assemble(List<LongNameEntry> slots) {
        StringBuilder sb = new StringBuilder();
        for (int s = slots.size() - 1; s >= 0; s--) {
            for (char c : slots.get(s).chars()) {
                if (c == 0) {
                    return sb.toString();
                }
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private void checkShortName(byte[] n, long where, String dirPath) throws FormatException {
        for (int k = 0; k < 11; k++) {
            int c = n[k] & 0xFF;
            if (c < 0x20 && !(k == 0 && c == DirectoryEntry.KANJI_E5) || c == '/' || c == '\\') {
                throw new FormatException(where + k, String.format("%s: directory entry in %s at offset %d: short name byte %d is 0x%02X, not allowed in a name",
                        source, dirPath, where, k, c));
            }
        }
        if (n[0] == ' ') {
            throw new FormatException(where, source + ": directory entry in " + dirPath + " at offset " + where
                    + ": short name starts with a space");
        }
    }

    private String readLabel() throws IOException, FormatException {
        String[] found = new String[1];
        scan(root(), null, found);
        String l = found[0];
        if (l == null) {
            l = boot.bootSignature() == BootSector.EXTENDED_BOOT_SIGNATURE ? boot.volumeLabel().stripTrailing() : "";
            if (l.equals(BootSector.NO_NAME.strip())) {
                l = "";
            }
        }
        return l;
    }

    private ByteBuffer readAt(long pos, int len) throws IOException, FormatException {
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        channel.position(pos);
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new FormatException(pos + b.position(), source + ": truncated: reading " + len + " bytes at offset " + pos
                        + " hit the end of the channel at " + (pos + b.position()));
            }
        }
        return b.flip();
    }
}
