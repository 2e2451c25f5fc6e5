package org.liveng.format.fat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.medium.FileSpec;

/**
 * The directory tree of a volume to be written: implied directories, 8.3 names and
 * long name slots, entry counts. Directories keep the order in which their children
 * first appear in the input; files keep the input order.
 */
final class FatTree {

    /** Most entries (32-byte slots) a directory may have (fatgen103 §6). */
    static final int MAX_DIR_ENTRIES = 65536;
    /** Largest file size FAT can record (DIR_FileSize is 32 bits). */
    static final long MAX_FILE_SIZE = 0xFFFFFFFFL;

    abstract static class Node {
        final String name;
        final Dir parent;
        byte[] shortName;
        int ntRes;
        boolean longName;
        long firstCluster;
        long clusters;

        Node(String name, Dir parent) {
            this.name = name;
            this.parent = parent;
        }

        int slots() {
            return 1 + (longName ? (name.length() + LongNameEntry.CHARS - 1) / LongNameEntry.CHARS : 0);
        }

        String path() {
            return parent == null ? "/" : (parent.parent == null ? "" : parent.path()) + "/" + name;
        }
    }

    static final class Dir extends Node {
        final Map<String, Node> children = new LinkedHashMap<>();

        Dir(String name, Dir parent) {
            super(name, parent);
        }

        /** 32-byte slots: "." and "..", or the volume label entry in the root, plus the children. */
        int entryCount(boolean label) {
            int n = parent == null ? (label ? 1 : 0) : 2;
            for (Node c : children.values()) {
                n += c.slots();
            }
            return n;
        }
    }

    static final class File extends Node {
        final FileSpec spec;
        final long size;

        File(String name, Dir parent, FileSpec spec) {
            super(name, parent);
            this.spec = spec;
            this.size = spec.content().size();
        }
    }

    final Dir root = new Dir("", null);
    final List<Dir> dirs = new ArrayList<>();
    final List<File> files = new ArrayList<>();
    final boolean label;

    private FatTree(boolean label) {
        this.label = label;
        dirs.add(root);
    }

    static FatTree build(List<FileSpec> specs, boolean label) throws LivengException {
        FatTree t = new FatTree(label);
        for (FileSpec s : specs) {
            t.add(s);
        }
        for (Dir d : t.dirs) {
            assignShortNames(d);
            int n = d.entryCount(label);
            if (n > MAX_DIR_ENTRIES) {
                throw usage("directory " + d.path() + " needs " + n + " entries, a FAT directory holds at most " + MAX_DIR_ENTRIES);
            }
        }
        return t;
    }

    private void add(FileSpec s) throws LivengException {
        String path = s.path();
        if (path.length() < 2 || path.endsWith("/")) {
            throw usage("'" + path + "' is not a file path");
        }
        String[] parts = path.substring(1).split("/", -1);
        Dir d = root;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            String why = ShortNames.invalidLongName(p);
            if (why != null) {
                throw usage("path '" + path + "': element " + (i + 1) + " ('" + p + "'): " + why);
            }
            String key = p.toUpperCase(Locale.ROOT);
            Node existing = d.children.get(key);
            boolean last = i == parts.length - 1;
            if (existing != null && !existing.name.equals(p)) {
                throw usage("path '" + path + "': '" + p + "' and '" + existing.name + "' in " + d.path()
                        + " differ only in case; FAT names are case-insensitive");
            }
            if (last) {
                if (existing != null) {
                    throw usage("path '" + path + "' is given twice, or is also a directory");
                }
                if (s.content().size() < 0 || s.content().size() > MAX_FILE_SIZE) {
                    throw usage("file '" + path + "' is " + s.content().size() + " bytes; FAT files hold at most " + MAX_FILE_SIZE);
                }
                File f = new File(p, d, s);
                d.children.put(key, f);
                files.add(f);
            } else if (existing == null) {
                Dir nd = new Dir(p, d);
                d.children.put(key, nd);
                dirs.add(nd);
                d = nd;
            } else if (existing instanceof Dir ed) {
                d = ed;
            } else {
                throw usage("path '" + path + "': " + existing.path() + " is a file, not a directory");
            }
        }
    }

    /**
     * Names that fit 8.3 (apart from all-lower-case parts, shown through the DIR_NTRes
     * bits) get no long name; the others get long name slots and a generated short name.
     * Plain names are placed first so a generated name never takes one of them.
     */
    private static void assignShortNames(Dir d) {
        Set<String> taken = new HashSet<>();
        List<Node> rest = new ArrayList<>();
        for (Node c : d.children.values()) {
            ShortNames.Plain p = ShortNames.plain(c.name);
            if (p != null) {
                c.shortName = p.name11();
                c.ntRes = p.ntRes();
                c.longName = false;
                taken.add(ShortNames.key(p.name11()));
            } else {
                rest.add(c);
            }
        }
        for (Node c : rest) {
            c.shortName = ShortNames.generate(c.name, taken);
            c.ntRes = 0;
            c.longName = true;
        }
    }

    /** Clusters the directory needs (at least one). */
    long dirClusters(Dir d, int bytesPerCluster) {
        long bytes = (long) d.entryCount(label) * DirectoryEntry.SIZE;
        return Math.max(1, (bytes + bytesPerCluster - 1) / bytesPerCluster);
    }

    /** Data clusters all directories (the root only for FAT32) and files need. */
    long clustersNeeded(FatType type, int bytesPerCluster) {
        long n = 0;
        for (Dir d : dirs) {
            if (d != root || type == FatType.FAT32) {
                n += dirClusters(d, bytesPerCluster);
            }
        }
        for (File f : files) {
            n += (f.size + bytesPerCluster - 1) / bytesPerCluster;
        }
        return n;
    }

    /** FAT12/16 root entries: the requested count, grown to a multiple of 16 holding the root. */
    int rootEntries(int requested) {
        int need = root.entryCount(label);
        return Math.max(requested, (need + 15) / 16 * 16);
    }

    static LivengException usage(String msg) {
        return new LivengException(ErrorCodes.USAGE, msg);
    }
}
