package org.liveng.platform.blockdev;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.platform.posix.NativeCalls;

/**
 * Reads the facts of a block device from the kernel: sysfs for size, flags,
 * model and partitions, {@code /proc/self/mountinfo} for mounts,
 * {@code /proc/swaps} for swap, an {@code O_EXCL} open for everything else
 * the kernel holds, and the device itself for its partition tables.
 */
public final class BlockDevices {
    /** {@code S_IFMT} and {@code S_IFBLK} of {@code st_mode}. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;
    private static final int TABLE_SECTORS = 34;
    /** How {@link BlockDevice#tableFingerprint()} begins when the device cannot be read. */
    public static final String UNREADABLE = "unreadable: ";

    private final Path sys;
    private final Path proc;
    private final Path dev;
    private final NativeCalls nativeCalls;

    /** The running system's {@code /sys}, {@code /proc} and {@code /dev}. */
    public BlockDevices(NativeCalls nativeCalls) {
        this(Path.of("/sys"), Path.of("/proc"), Path.of("/dev"), nativeCalls);
    }

    /** Facts read from other sysfs, proc and dev trees (a chroot's, or a test's fakes of the kernel's facts). */
    public BlockDevices(Path sys, Path proc, Path dev, NativeCalls nativeCalls) {
        this.sys = sys;
        this.proc = proc;
        this.dev = dev;
        this.nativeCalls = nativeCalls;
    }

    /** Whether {@code path} is a block device node (after following symlinks). */
    public static boolean isBlockDevice(Path path) {
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:mode");
            return ((Integer) a.get("mode") & S_IFMT) == S_IFBLK;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The facts of the block device at {@code path}, now. */
    public BlockDevice probe(Path path) throws LivengException {
        try {
            if (!isBlockDevice(path)) {
                throw new LivengException(ErrorCodes.USAGE, path + " is not a block device", null);
            }
            Path node = path.toRealPath();
            long rdev = (Long) Files.readAttributes(node, "unix:rdev").get("rdev");
            String majMin = major(rdev) + ":" + minor(rdev);
            Path sysDir = sys.resolve("dev/block").resolve(majMin).toRealPath();
            String name = sysDir.getFileName().toString();
            boolean partition = Files.exists(sysDir.resolve("partition"));
            String parent = partition ? sysDir.getParent().getFileName().toString() : null;
            Path diskDir = partition ? sysDir.getParent() : sysDir;
            long size = Long.parseLong(read(sysDir.resolve("size"), "0")) * 512;
            int sector = Integer.parseInt(read(diskDir.resolve("queue/logical_block_size"), "512"));
            boolean removable = read(diskDir.resolve("removable"), "0").equals("1");
            boolean readOnly = read(sysDir.resolve("ro"), "0").equals("1");
            String model = model(diskDir);
            String serial = read(diskDir.resolve("device/serial"), read(diskDir.resolve("device/wwid"), ""));

            List<String> parts = new ArrayList<>();
            Set<String> names = new LinkedHashSet<>();
            Set<String> majMins = new LinkedHashSet<>();
            names.add(name);
            majMins.add(majMin);
            if (!partition) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(sysDir)) {
                    for (Path child : ds) {
                        if (Files.exists(child.resolve("partition"))) {
                            String p = child.getFileName().toString();
                            parts.add(p);
                            names.add(p);
                            majMins.add(read(child.resolve("dev"), ""));
                        }
                    }
                }
                parts.sort(null);
            }
            List<String> holders = new ArrayList<>();
            for (String n : names) {
                Path h = sys.resolve("class/block").resolve(n).resolve("holders");
                if (Files.isDirectory(h)) {
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(h)) {
                        for (Path x : ds) {
                            holders.add(x.getFileName() + " (on " + n + ")");
                        }
                    }
                }
            }
            List<String> mounts = new ArrayList<>();
            boolean holdsRoot = false;
            for (Mount m : mounts()) {
                if (majMins.contains(m.majorMinor) || names.contains(kernelName(m.source))) {
                    mounts.add(m.source + " on " + m.mountPoint);
                    holdsRoot |= m.mountPoint.equals("/");
                }
            }
            List<String> swaps = new ArrayList<>();
            for (String s : swaps()) {
                if (names.contains(kernelName(s))) {
                    swaps.add(s);
                }
            }
            boolean busy;
            try {
                busy = nativeCalls.inUseExclusively(node.toString());
            } catch (LivengException e) {
                busy = true; // an exclusive open refused for any reason (EPERM on a sandboxed system disk) is not a free device
            }
            return new BlockDevice(path.toString(), node.toString(), name, majMin, parent, size, sector, removable, readOnly, model, serial,
                    byIdNames(node), parts, mounts, holdsRoot, swaps, holders, busy, fingerprint(node, size, sector));
        } catch (IOException | RuntimeException e) {
            throw new LivengException(ErrorCodes.IO, "cannot read the facts of " + path + ": " + e, null, e);
        }
    }

    private String model(Path diskDir) {
        String backing = read(diskDir.resolve("loop/backing_file"), "");
        if (!backing.isEmpty()) {
            return "loop device on " + backing;
        }
        String vendor = read(diskDir.resolve("device/vendor"), "");
        String model = read(diskDir.resolve("device/model"), "");
        return (vendor + " " + model).strip();
    }

    private List<String> byIdNames(Path node) throws IOException {
        List<String> out = new ArrayList<>();
        Path byId = dev.resolve("disk/by-id");
        if (Files.isDirectory(byId)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(byId)) {
                for (Path link : ds) {
                    try {
                        if (link.toRealPath().equals(node)) {
                            out.add(link.toString());
                        }
                    } catch (IOException e) {
                        // a dangling link names nothing
                    }
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** The kernel name of a {@code /dev} path (symlinks resolved), or "" for anything else. */
    private String kernelName(String source) {
        if (!source.startsWith("/")) {
            return "";
        }
        try {
            Path real = Path.of(source).toRealPath();
            return real.startsWith(dev) ? real.getFileName().toString() : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    record Mount(String majorMinor, String mountPoint, String source) {
    }

    /** {@code /proc/self/mountinfo}: maj:min (field 3), mount point (field 5), source (after " - " and the type). */
    List<Mount> mounts() throws IOException {
        List<Mount> out = new ArrayList<>();
        for (String line : Files.readAllLines(proc.resolve("self/mountinfo"), StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            int dash = List.of(f).indexOf("-");
            if (f.length < 7 || dash < 6 || dash + 2 >= f.length) {
                continue;
            }
            out.add(new Mount(f[2], unescape(f[4]), unescape(f[dash + 2])));
        }
        return out;
    }

    /** The active swap areas of {@code /proc/swaps}. */
    List<String> swaps() throws IOException {
        List<String> out = new ArrayList<>();
        Path swaps = proc.resolve("swaps");
        if (!Files.exists(swaps)) {
            return out;
        }
        List<String> lines = Files.readAllLines(swaps, StandardCharsets.UTF_8);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.strip().split("\\s+");
            if (!f[0].isEmpty()) {
                out.add(unescape(f[0]));
            }
        }
        return out;
    }

    /** The kernel escapes space, tab, newline and backslash in these tables as octal {@code \ooo}. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).chars().allMatch(x -> x >= '0' && x <= '7')) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** The digest of the partition table sectors, or {@code "unreadable: why"}. */
    private static String fingerprint(Path node, long size, int sector) {
        try {
            return tableDigest(node, size, sector);
        } catch (IOException e) {
            return UNREADABLE + e.getMessage();
        }
    }

    private static String tableDigest(Path node, long size, int sector) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long span = (long) TABLE_SECTORS * sector;
        try (FileChannel ch = FileChannel.open(node, StandardOpenOption.READ)) {
            for (long at : size > 2 * span ? new long[] { 0, size - span } : new long[] { 0 }) {
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(span, size));
                while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) {
                    // read the whole span
                }
                md.update(b.flip());
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static String read(Path file, String absent) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return absent;
        }
    }

    /** Linux's {@code gnu_dev_major}/{@code gnu_dev_minor} split of a 64-bit {@code dev_t}. */
    static long major(long rdev) {
        return ((rdev & 0x00000000000fff00L) >>> 8) | ((rdev & 0xfffff00000000000L) >>> 32);
    }

    static long minor(long rdev) {
        return (rdev & 0xffL) | ((rdev & 0x00000ffffff00000L) >>> 12);
    }
}
