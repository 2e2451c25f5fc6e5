package org.liveng.format.iso9660;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import org.liveng.api.medium.Content;

/**
 * One file, directory or symbolic link of the tree {@link IsoWriter} builds, with the layout
 * decisions made for it: its ISO 9660 identifier, directory number, extent and the system use
 * areas of its directory records. Mutable while {@link IsoLayout} computes; never exposed.
 */
final class IsoTreeNode {
    final String name;
    final IsoEntry.Type type;
    final IsoTreeNode parent;
    /** Children by real name, in {@link String#compareTo} order (the stable layout order). */
    final TreeMap<String, IsoTreeNode> children = new TreeMap<>();
    Content content;
    /** The size captured when planning; the written content must match it. */
    long size;
    int mode = -1;
    Instant modified;
    String target;
    /** Whether the caller named this directory (rather than implying it by a file below it). */
    boolean explicit;

    // ---- layout ----
    /** The ISO 9660 file identifier bytes (files end in ";1"; the root is 0x00). */
    byte[] isoId;
    /** 1-based directory number in the path table (directories only). */
    int dirNumber;
    /** Depth below the root (root 0). */
    int level;
    /** First logical block of the extent (0 for empty files and symbolic links). */
    long block;
    /** Directory: bytes of its extent (whole sectors). */
    long dirLength;
    /** Rock Ridge file serial number (PX). */
    long serial;
    /** The records this node has in its parent directory (several for a multi-extent file). */
    final List<IsoRecord> records = new ArrayList<>();
    /** Directory: its "." and ".." records. */
    IsoRecord self;
    IsoRecord dotdot;
    /** Directory: the children's records in ECMA-119 §9.3 order. */
    final List<IsoRecord> sorted = new ArrayList<>();

    IsoTreeNode(String name, IsoEntry.Type type, IsoTreeNode parent) {
        this.name = name;
        this.type = type;
        this.parent = parent;
    }

    boolean isDirectory() {
        return type == IsoEntry.Type.DIRECTORY;
    }

    String path() {
        if (parent == null) {
            return "/";
        }
        return parent.parent == null ? "/" + name : parent.path() + "/" + name;
    }

    /** The ISO 9660 path ("/LIVE/VMLINUZ.;1"). */
    String isoPath() {
        if (parent == null) {
            return "/";
        }
        String id = new String(isoId, java.nio.charset.StandardCharsets.US_ASCII);
        return parent.parent == null ? "/" + id : parent.isoPath() + "/" + id;
    }

    /** Directories below this one, as sorted in the path table. */
    List<IsoTreeNode> subdirectories() {
        List<IsoTreeNode> out = new ArrayList<>();
        for (IsoTreeNode c : children.values()) {
            if (c.isDirectory()) {
                out.add(c);
            }
        }
        out.sort((a, b) -> IsoNames.compareIdentifiers(a.isoId, b.isoId));
        return out;
    }

    int nlink() {
        if (!isDirectory()) {
            return 1;
        }
        int n = 2;
        for (IsoTreeNode c : children.values()) {
            if (c.isDirectory()) {
                n++;
            }
        }
        return n;
    }

    /**
     * One directory record to be written (ECMA-119 §9.1) with its system use area already
     * split between the record and its continuation areas (SUSP §5.1).
     */
    static final class IsoRecord {
        final IsoTreeNode node;
        final byte[] id;
        final int flags;
        /** Extent part index for multi-extent files; its byte offset in the file. */
        final long partOffset;
        final long partLength;
        /** SUSP entries that stay in the record (a CE entry is appended when {@link #areas} is not empty). */
        final List<byte[]> inRecord;
        /** Continuation areas, each with the entries it holds (all but the last end with a CE). */
        final List<List<byte[]>> areas;
        /** Where each continuation area lands: absolute block and offset in that block. */
        final long[] areaBlock;
        final int[] areaOffset;
        /** The target directory for "." and ".." records, else {@link #node}. */
        final IsoTreeNode describes;
        int length;

        IsoRecord(IsoTreeNode node, IsoTreeNode describes, byte[] id, int flags, long partOffset, long partLength,
                List<byte[]> inRecord, List<List<byte[]>> areas) {
            this.node = node;
            this.describes = describes;
            this.id = id;
            this.flags = flags;
            this.partOffset = partOffset;
            this.partLength = partLength;
            this.inRecord = inRecord;
            this.areas = areas;
            this.areaBlock = new long[areas.size()];
            this.areaOffset = new int[areas.size()];
            int su = 0;
            for (byte[] e : inRecord) {
                su += e.length;
            }
            if (!areas.isEmpty()) {
                su += SuspParser.CE_LENGTH;
            }
            int len = DirectoryRecord.OFF_ID + id.length + ((id.length & 1) == 0 ? 1 : 0) + su;
            this.length = len + (len & 1);
        }

        static int areaLength(List<byte[]> area, boolean chained) {
            int n = chained ? SuspParser.CE_LENGTH : 0;
            for (byte[] e : area) {
                n += e.length;
            }
            return n;
        }
    }
}
