package org.liveng.format.iso9660;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.medium.Content;
import org.liveng.api.medium.FileSpec;

/**
 * Writes an ISO 9660 image (ECMA-119 4th edition) with Rock Ridge (SUSP 1.12 / RRIP 1.12) from
 * a list of files, optional explicit directories and symbolic links.
 *
 * <pre>{@code
 * IsoWriter w = new IsoWriter(IsoWriterOptions.builder().volumeId("LIVENG_SYSTEM2")
 *         .modifiedFromUuid("2024-01-01-00-00-00-00").capacity(partitionBytes).build());
 * w.add(new FileSpec("/live/vmlinuz", kernel)).add(new FileSpec("/live/initrd.img", initrd));
 * IsoLayout plan = w.plan();          // validates everything, exact size, nothing read yet
 * plan.writeTo(channel, offset);      // or plan.writeTo(outputStream): forward only
 * }</pre>
 *
 * <p>Adding only records what was asked; {@link #plan()} checks the whole tree at once
 * (duplicate paths, a path that is both file and directory, bad names, symbolic links without
 * Rock Ridge, the capacity) and reports every problem in one {@code USAGE} or
 * {@code PREFLIGHT} error. Parent directories are implied with mode 0555. Files default to
 * mode 0444, symbolic links to 0777. The output is a function of the inputs only: the same
 * inputs give the same bytes.
 */
public final class IsoWriter {
    /** Default permissions of files, and of directories. */
    public static final int DEFAULT_FILE_MODE = 0444;
    public static final int DEFAULT_DIRECTORY_MODE = 0555;

    private record Item(String path, IsoEntry.Type type, Content content, int mode, Instant modified, String target) {
    }

    private final IsoWriterOptions options;
    private final List<Item> items = new ArrayList<>();

    public IsoWriter(IsoWriterOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    public IsoWriterOptions options() {
        return options;
    }

    /** A regular file with mode 0444. */
    public IsoWriter add(FileSpec file) {
        return add(file, DEFAULT_FILE_MODE, null);
    }

    /** Regular files with mode 0444. */
    public IsoWriter addAll(Collection<FileSpec> files) {
        for (FileSpec f : files) {
            add(f);
        }
        return this;
    }

    /**
     * A regular file.
     *
     * @param mode permission bits (07777), recorded with Rock Ridge
     * @param modified its time, or {@code null} for {@link IsoWriterOptions#fileTime()}
     */
    public IsoWriter add(FileSpec file, int mode, Instant modified) {
        items.add(new Item(file.path(), IsoEntry.Type.FILE, file.content(), mode, modified, null));
        return this;
    }

    /** A directory with explicit mode (0555 if {@code mode} is -1) and time ({@code null}: the default). */
    public IsoWriter directory(String path, int mode, Instant modified) {
        items.add(new Item(path, IsoEntry.Type.DIRECTORY, null, mode < 0 ? DEFAULT_DIRECTORY_MODE : mode, modified, null));
        return this;
    }

    /** A symbolic link (Rock Ridge SL); the target is stored as given and not checked. */
    public IsoWriter symlink(String path, String target) {
        return symlink(path, target, null);
    }

    /** A symbolic link with its own time ({@code null}: the default). */
    public IsoWriter symlink(String path, String target, Instant modified) {
        items.add(new Item(path, IsoEntry.Type.SYMLINK, null, 0777, modified, target));
        return this;
    }

    /**
     * Validates the tree and computes the whole layout; no content is read (sizes come from
     * {@link Content#size()}).
     *
     * @throws LivengException {@code USAGE} for an invalid tree, {@code PREFLIGHT} when the image
     *     does not fit {@link IsoWriterOptions#capacity()}
     */
    public IsoLayout plan() throws LivengException {
        IsoTreeNode root = buildTree();
        IsoLayout layout = IsoLayout.compute(options, root);
        if (layout.size() > options.capacity()) {
            throw capacityError(layout.size(), options.capacity());
        }
        return layout;
    }

    /** The exact image size in bytes; same as {@code plan().size()}. */
    public long size() throws LivengException {
        return plan().size();
    }

    /** Plans and writes to {@code ch} starting at byte {@code offset}; see {@link IsoLayout#writeTo(SeekableByteChannel, long)}. */
    public IsoLayout write(SeekableByteChannel ch, long offset) throws LivengException, IOException {
        IsoLayout l = plan();
        l.writeTo(ch, offset);
        return l;
    }

    /** Plans and writes forward only; see {@link IsoLayout#writeTo(WritableByteChannel)}. */
    public IsoLayout write(WritableByteChannel ch) throws LivengException, IOException {
        IsoLayout l = plan();
        l.writeTo(ch);
        return l;
    }

    /** Plans and writes forward only; see {@link IsoLayout#writeTo(OutputStream)}. */
    public IsoLayout write(OutputStream out) throws LivengException, IOException {
        IsoLayout l = plan();
        l.writeTo(out);
        return l;
    }

    static LivengException capacityError(long need, long have) {
        return new LivengException(ErrorCodes.PREFLIGHT, "the ISO 9660 image needs " + need + " bytes ("
                + (need + VolumeDescriptor.SECTOR_SIZE - 1) / VolumeDescriptor.SECTOR_SIZE + " blocks), the partition has "
                + have + " bytes", "make the partition larger or put less into the image");
    }

    private IsoTreeNode buildTree() throws LivengException {
        Set<String> problems = new LinkedHashSet<>();
        IsoTreeNode root = new IsoTreeNode("", IsoEntry.Type.DIRECTORY, null);
        root.mode = DEFAULT_DIRECTORY_MODE;
        root.modified = options.fileTime();
        for (Item it : items) {
            List<String> parts = split(it.path(), problems);
            if (parts == null) {
                continue;
            }
            if (parts.isEmpty()) {
                if (it.type() == IsoEntry.Type.DIRECTORY) {
                    root.mode = it.mode();
                    root.modified = it.modified() != null ? it.modified() : options.fileTime();
                    if (root.explicit) {
                        problems.add("duplicate path /");
                    }
                    root.explicit = true;
                } else {
                    problems.add("the root directory / cannot be a " + kind(it.type()));
                }
                continue;
            }
            if (it.type() == IsoEntry.Type.SYMLINK && !options.rockRidge()) {
                problems.add("symbolic link " + it.path() + " needs Rock Ridge, which is switched off");
                continue;
            }
            if (it.type() == IsoEntry.Type.SYMLINK && (it.target() == null || it.target().isEmpty())) {
                problems.add("symbolic link " + it.path() + " has an empty target");
                continue;
            }
            if ((it.mode() & ~07777) != 0) {
                problems.add(it.path() + ": mode 0" + Integer.toOctalString(it.mode())
                        + " has bits outside the permission bits 07777");
                continue;
            }
            IsoTreeNode dir = root;
            String at = "";
            boolean ok = true;
            for (int i = 0; i < parts.size() - 1; i++) {
                at += "/" + parts.get(i);
                IsoTreeNode c = dir.children.get(parts.get(i));
                if (c == null) {
                    c = new IsoTreeNode(parts.get(i), IsoEntry.Type.DIRECTORY, dir);
                    c.mode = DEFAULT_DIRECTORY_MODE;
                    c.modified = options.fileTime();
                    dir.children.put(c.name, c);
                } else if (!c.isDirectory()) {
                    problems.add(at + " is both a " + kind(c.type) + " and a directory (it holds " + it.path() + ")");
                    ok = false;
                    break;
                }
                dir = c;
            }
            if (!ok) {
                continue;
            }
            String name = parts.get(parts.size() - 1);
            IsoTreeNode existing = dir.children.get(name);
            Instant t = it.modified() != null ? it.modified() : options.fileTime();
            if (existing != null) {
                if (existing.isDirectory() && it.type() == IsoEntry.Type.DIRECTORY && !existing.explicit) {
                    existing.mode = it.mode();
                    existing.modified = t;
                    existing.explicit = true;
                } else if (existing.type == it.type()) {
                    problems.add("duplicate path " + it.path());
                } else {
                    problems.add(it.path() + " is both a " + kind(existing.type) + " and a " + kind(it.type()));
                }
                continue;
            }
            IsoTreeNode n = new IsoTreeNode(name, it.type(), dir);
            n.mode = it.mode();
            n.modified = t;
            n.explicit = it.type() == IsoEntry.Type.DIRECTORY;
            n.target = it.target();
            if (it.type() == IsoEntry.Type.FILE) {
                n.content = it.content();
                n.size = it.content().size();
                if (n.size < 0) {
                    problems.add(it.path() + ": content " + it.content().describe() + " reports a negative size " + n.size);
                }
            }
            dir.children.put(name, n);
        }
        checkTimes(root, problems);
        if (!problems.isEmpty()) {
            throw new LivengException(ErrorCodes.USAGE, "cannot write the ISO 9660 image: " + String.join("; ", problems),
                    "every path must be absolute, unique, and either a file, a directory or a symbolic link");
        }
        return root;
    }

    private static void checkTimes(IsoTreeNode n, Set<String> problems) {
        if (!IsoEncode.shortDateFits(n.modified)) {
            problems.add(n.path() + ": time " + n.modified + " is outside the years 1900-2155 a directory record can hold");
        }
        for (IsoTreeNode c : n.children.values()) {
            checkTimes(c, problems);
        }
    }

    private static String kind(IsoEntry.Type t) {
        return switch (t) {
            case FILE -> "file";
            case DIRECTORY -> "directory";
            case SYMLINK -> "symbolic link";
        };
    }

    /** Path elements of an absolute path; {@code null} (with a problem recorded) if it is not valid. */
    private static List<String> split(String path, Set<String> problems) {
        if (!path.startsWith("/")) {
            problems.add("path '" + path + "' is not absolute");
            return null;
        }
        List<String> out = new ArrayList<>();
        if (path.equals("/")) {
            return out;
        }
        String[] parts = path.substring(1).split("/", -1);
        for (String p : parts) {
            if (p.isEmpty() || p.equals(".") || p.equals("..")) {
                problems.add("path '" + path + "' has an empty, '.' or '..' element");
                return null;
            }
            if (p.indexOf('\0') >= 0) {
                problems.add("path '" + path.replace("\0", "\\0") + "' contains a NUL character");
                return null;
            }
            if (p.getBytes(StandardCharsets.UTF_8).length > 255) {
                problems.add("path '" + path + "' has an element longer than 255 bytes");
                return null;
            }
            out.add(p);
        }
        return out;
    }
}
