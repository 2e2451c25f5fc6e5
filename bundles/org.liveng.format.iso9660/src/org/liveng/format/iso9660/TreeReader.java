package org.liveng.format.iso9660;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.liveng.api.FormatException;

/**
 * Reads one directory hierarchy (ECMA-119 §6.8) into memory with every offset and length
 * checked: directory extents must lie inside the image, a directory extent may be visited only
 * once (cycles), and entry count, directory size, total directory bytes and depth are capped.
 * In the Rock Ridge namespace, directories moved by deep-directory relocation (RRIP §4.1.5)
 * are put back: a CL placeholder becomes the directory it points to and the RE-marked copy is
 * hidden.
 */
final class TreeReader {

    /** The result: entries by path and sorted children by directory path. */
    record Tree(Map<String, IsoEntry> byPath, Map<String, List<IsoEntry>> children) {
    }

    private record PendingDir(String path, long block, long length, int depth, long recordOffset) {
    }

    private final ImageChannel img;
    private final VolumeDescriptor vd;
    private final Namespace ns;
    private final int suspSkip;
    private final IsoLimits limits;
    private final int bs;
    private final SuspParser susp;
    private final Map<String, IsoEntry> byPath = new LinkedHashMap<>();
    private final Map<String, List<IsoEntry>> children = new HashMap<>();
    private final Set<Long> visitedDirs = new HashSet<>();
    private long totalDirBytes;
    private int entryCount;

    /**
     * @param ns ROCK_RIDGE, JOLIET or ISO9660 (not AUTO)
     * @param suspSkip the SP LEN_SKP (Rock Ridge only)
     */
    TreeReader(ImageChannel img, VolumeDescriptor vd, Namespace ns, int suspSkip, IsoLimits limits) {
        this.img = img;
        this.vd = vd;
        this.ns = ns;
        this.suspSkip = Math.max(0, suspSkip);
        this.limits = limits;
        this.bs = vd.logicalBlockSize();
        this.susp = new SuspParser(img, bs, limits.maxContinuationAreas());
    }

    Tree read() throws FormatException {
        DirectoryRecord rootRec = vd.rootDirectoryRecord();
        Deque<PendingDir> stack = new ArrayDeque<>();
        stack.push(new PendingDir("/", rootRec.extentLocation() + rootRec.extAttrLength(), rootRec.dataLength(), 0,
                rootRec.offset()));
        while (!stack.isEmpty()) {
            PendingDir d = stack.pop();
            List<PendingDir> subdirs = readDirectory(d);
            for (int i = subdirs.size() - 1; i >= 0; i--) {
                stack.push(subdirs.get(i));
            }
        }
        for (List<IsoEntry> l : children.values()) {
            l.sort((a, b) -> a.name().compareTo(b.name()));
        }
        return new Tree(byPath, children);
    }

    private List<PendingDir> readDirectory(PendingDir d) throws FormatException {
        long start = d.block() * bs;
        String where = "ISO 9660 directory '" + d.path() + "' (record at " + IsoBytes.hex(d.recordOffset()) + ")";
        if (!visitedDirs.add(d.block())) {
            throw new FormatException(d.recordOffset(), where + ": extent at block " + d.block()
                    + " was already read as another directory (directory cycle)");
        }
        if (d.depth() > limits.maxDepth()) {
            throw new FormatException(d.recordOffset(), where + ": nesting depth " + d.depth() + " exceeds the limit of "
                    + limits.maxDepth());
        }
        if (d.length() > limits.maxDirectoryBytes()) {
            throw new FormatException(d.recordOffset(), where + ": data length " + d.length()
                    + " exceeds the limit of " + limits.maxDirectoryBytes() + " bytes for one directory");
        }
        if (d.length() < DirectoryRecord.MIN_LENGTH) {
            throw new FormatException(d.recordOffset(), where + ": data length " + d.length()
                    + " is below the minimum " + DirectoryRecord.MIN_LENGTH + " of a directory");
        }
        img.checkRange(start, d.length(), where + " extent");
        totalDirBytes += d.length();
        if (totalDirBytes > limits.maxTotalDirectoryBytes()) {
            throw new FormatException(start, where + ": directories total more than " + limits.maxTotalDirectoryBytes()
                    + " bytes");
        }
        List<IsoEntry> list = new ArrayList<>();
        children.put(d.path(), list);
        Set<String> names = new HashSet<>();
        List<PendingDir> subdirs = new ArrayList<>();
        List<DirectoryRecord> group = new ArrayList<>();
        boolean first = true;
        for (long sec = 0; sec < d.length(); sec += VolumeDescriptor.SECTOR_SIZE) {
            int n = (int) Math.min(VolumeDescriptor.SECTOR_SIZE, d.length() - sec);
            ByteBuffer b = img.read(start + sec, n, "ISO 9660 directory sector");
            int pos = 0;
            while (pos < n && IsoBytes.u8(b, pos) != 0) {
                DirectoryRecord r = DirectoryRecord.parse(b, pos, start + sec);
                pos += r.length();
                if (++entryCount > limits.maxEntries()) {
                    throw new FormatException(r.offset(), where + ": more than " + limits.maxEntries()
                            + " directory records in the image");
                }
                if (first) {
                    first = false;
                    if (!r.isSelf()) {
                        throw new FormatException(r.offset(), where + ": first record at " + IsoBytes.hex(r.offset())
                                + " is not the '.' record (identifier 0x00)");
                    }
                    if (d.path().equals("/")) {
                        addRoot(r, d.block());
                    }
                    continue;
                }
                if (r.isSelf() || r.isParent()) {
                    continue;
                }
                if (!group.isEmpty()) {
                    if (!Arrays.equals(group.get(0).fileIdentifier(), r.fileIdentifier())) {
                        throw new FormatException(r.offset(), "ISO 9660 directory record at offset " + IsoBytes.hex(r.offset())
                                + ": multi-extent file started at " + IsoBytes.hex(group.get(0).offset())
                                + " expects a record with the same identifier, found another name");
                    }
                    group.add(r);
                    if (!r.isMultiExtent()) {
                        addEntry(d, group, list, names, subdirs);
                        group.clear();
                    }
                    continue;
                }
                if (r.isMultiExtent() && !r.isDirectory()) {
                    group.add(r);
                    continue;
                }
                group.add(r);
                addEntry(d, group, list, names, subdirs);
                group.clear();
            }
        }
        if (!group.isEmpty()) {
            throw new FormatException(group.get(0).offset(), "ISO 9660 directory record at offset "
                    + IsoBytes.hex(group.get(0).offset()) + ": multi-extent file has no final record in " + where);
        }
        if (first) {
            throw new FormatException(start, where + ": extent at " + IsoBytes.hex(start) + " holds no directory records");
        }
        return subdirs;
    }

    private void addRoot(DirectoryRecord self, long block) throws FormatException {
        RockRidge rr = RockRidge.NONE;
        if (ns == Namespace.ROCK_RIDGE) {
            rr = RockRidge.decode(susp.entries(self, 0));
        }
        byPath.put("/", new IsoEntry("/", "", IsoEntry.Type.DIRECTORY, 0,
                List.of(new IsoEntry.Extent(block, block * bs, self.dataLength())), (int) rr.mode(), rr.uid(), rr.gid(),
                rr.nlink(), rr.modified() != null ? rr.modified() : self.recorded(), null, false, self.offset()));
    }

    private void addEntry(PendingDir d, List<DirectoryRecord> group, List<IsoEntry> list, Set<String> names,
            List<PendingDir> subdirs) throws FormatException {
        DirectoryRecord r = group.get(0);
        if (r.isAssociated()) {
            return;
        }
        RockRidge rr = RockRidge.NONE;
        String name;
        if (ns == Namespace.ROCK_RIDGE) {
            rr = RockRidge.decode(susp.entries(r, suspSkip));
            if (rr.relocated()) {
                return; // shown where its CL placeholder is
            }
            name = rr.name() != null ? rr.name() : isoName(r.fileIdentifier());
        } else if (ns == Namespace.JOLIET) {
            name = jolietName(r.fileIdentifier());
        } else {
            name = isoName(r.fileIdentifier());
        }
        checkName(name, r);
        if (!names.add(name)) {
            return; // an older version (";2" next to ";1") or a duplicate: the first record wins
        }
        String path = d.path().equals("/") ? "/" + name : d.path() + "/" + name;
        Instant mtime = rr.modified() != null ? rr.modified() : r.recorded();
        IsoEntry e;
        if (ns == Namespace.ROCK_RIDGE && rr.childLink() >= 0) {
            // a deep directory relocated elsewhere: its real "." record is at the CL location
            long at = rr.childLink() * bs;
            ByteBuffer b = img.read(at, Math.min(VolumeDescriptor.SECTOR_SIZE, (int) Math.min(Integer.MAX_VALUE,
                    Math.max(DirectoryRecord.MIN_LENGTH, img.size() - at))), "Rock Ridge CL target directory");
            DirectoryRecord self = DirectoryRecord.parse(b, 0, at);
            if (!self.isSelf() || !self.isDirectory() || self.extentLocation() != rr.childLink()) {
                throw new FormatException(r.offset(), "Rock Ridge CL entry of directory record at " + IsoBytes.hex(r.offset())
                        + ": block " + rr.childLink() + " does not start with the '.' record of a directory");
            }
            RockRidge selfRr = RockRidge.decode(susp.entries(self, suspSkip));
            long mode = selfRr.mode() >= 0 ? selfRr.mode() : rr.mode();
            Instant t = selfRr.modified() != null ? selfRr.modified() : mtime;
            e = new IsoEntry(path, name, IsoEntry.Type.DIRECTORY, 0,
                    List.of(new IsoEntry.Extent(rr.childLink(), at, self.dataLength())), (int) mode,
                    selfRr.uid() >= 0 ? selfRr.uid() : rr.uid(), selfRr.gid() >= 0 ? selfRr.gid() : rr.gid(),
                    selfRr.nlink() >= 0 ? selfRr.nlink() : rr.nlink(), t, null, r.isHidden(), r.offset());
            subdirs.add(new PendingDir(path, rr.childLink(), self.dataLength(), d.depth() + 1, r.offset()));
        } else if (r.isDirectory()) {
            long block = r.extentLocation() + r.extAttrLength();
            e = new IsoEntry(path, name, IsoEntry.Type.DIRECTORY, 0,
                    List.of(new IsoEntry.Extent(block, block * bs, r.dataLength())), (int) rr.mode(), rr.uid(), rr.gid(),
                    rr.nlink(), mtime, null, r.isHidden(), r.offset());
            subdirs.add(new PendingDir(path, block, r.dataLength(), d.depth() + 1, r.offset()));
        } else {
            List<IsoEntry.Extent> extents = new ArrayList<>(group.size());
            long size = 0;
            for (DirectoryRecord x : group) {
                long block = x.extentLocation() + x.extAttrLength();
                long off = block * bs;
                if (x.dataLength() > 0) {
                    img.checkRange(off, x.dataLength(), "extent of '" + path + "' (directory record at "
                            + IsoBytes.hex(x.offset()) + ")");
                }
                extents.add(new IsoEntry.Extent(block, off, x.dataLength()));
                size += x.dataLength();
            }
            boolean link = ns == Namespace.ROCK_RIDGE && rr.isSymlink();
            e = new IsoEntry(path, name, link ? IsoEntry.Type.SYMLINK : IsoEntry.Type.FILE, link ? 0 : size,
                    link ? List.of() : extents, (int) rr.mode(), rr.uid(), rr.gid(), rr.nlink(), mtime,
                    link ? (rr.symlinkTarget() == null ? "" : rr.symlinkTarget()) : null, r.isHidden(), r.offset());
        }
        list.add(e);
        byPath.put(path, e);
    }

    private static void checkName(String name, DirectoryRecord r) throws FormatException {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new FormatException(r.offset(), "ISO 9660 directory record at offset " + IsoBytes.hex(r.offset())
                    + ": file name '" + VolumeDescriptorSet.printable(name) + "' is not a valid path element");
        }
    }

    /** ISO 9660 name: version suffix ";n" (ECMA-119 §7.5.1) and then a trailing '.' removed. */
    static String isoName(byte[] id) {
        String s = stripVersion(new String(id, StandardCharsets.ISO_8859_1));
        if (s.endsWith(".") && s.length() > 1) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** Joliet name: UCS-2 big-endian (Joliet specification §3), version suffix removed. */
    static String jolietName(byte[] id) {
        return stripVersion(new String(id, 0, id.length & ~1, StandardCharsets.UTF_16BE));
    }

    private static String stripVersion(String s) {
        int semi = s.lastIndexOf(';');
        if (semi >= 0 && semi < s.length() - 1 && s.substring(semi + 1).chars().allMatch(c -> c >= '0' && c <= '9')) {
            return s.substring(0, semi);
        }
        return s;
    }
}
