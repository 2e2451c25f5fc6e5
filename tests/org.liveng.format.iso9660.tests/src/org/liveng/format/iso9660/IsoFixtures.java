package org.liveng.format.iso9660;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ExecResult;
import org.liveng.platform.exec.ProcessRunner;

/** Test trees, external oracles (xorriso, isoinfo, blkid) and parsers for their output. */
final class IsoFixtures {
    static final ProcessRunner RUNNER = new ProcessRunner();
    /** A fixed mtime for generated files (whole seconds, Rock Ridge TF short form). */
    static final Instant MTIME = Instant.parse("2023-05-17T08:09:10Z");
    static final String LONG_NAME = "a-very-long-file-name-" + "x".repeat(150) + "-that-needs-rock-ridge.txt";

    private IsoFixtures() {
    }

    /** Runs a tool; a missing tool fails the test with what to install. */
    static ExecResult run(Command c) {
        return org.liveng.testing.Oracles.run(c);
    }

    static ExecResult xorriso(String... args) {
        return run(Command.of("xorriso", args).fromPackage("xorriso"));
    }

    /** {@code xorriso -as mkisofs <args> -o iso src}. */
    static Path mkisofs(Path iso, Path src, String... args) {
        List<String> a = new ArrayList<>(List.of("-as", "mkisofs"));
        a.addAll(List.of(args));
        a.addAll(List.of("-o", iso.toString(), src.toString()));
        xorriso(a.toArray(String[]::new));
        return iso;
    }

    static String isoinfo(String... args) {
        return run(Command.of("isoinfo", args).fromPackage("genisoimage")).stdoutText();
    }

    static byte[] content(Random rnd, int size) {
        byte[] b = new byte[size];
        rnd.nextBytes(b);
        return b;
    }

    static void write(Path p, byte[] data, String perms) throws IOException {
        Files.createDirectories(p.getParent());
        Files.write(p, data);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        Files.setLastModifiedTime(p, FileTime.from(MTIME));
    }

    /**
     * A tree with files of awkward sizes, a long name, a directory of 300 entries (several
     * sectors of records), symbolic links (relative, absolute, with "..", very long), a
     * 12-level deep directory and assorted permissions.
     */
    static Path standardTree(Path root) throws IOException {
        Random rnd = new Random(42);
        int[] sizes = {0, 1, 2047, 2048, 2049, 100_000};
        for (int s : sizes) {
            write(root.resolve("sizes/file-" + s + ".bin"), content(rnd, s), "rw-r--r--");
        }
        write(root.resolve("live/vmlinuz"), content(rnd, 5000), "rw-r--r--");
        write(root.resolve("live/initrd.img"), content(rnd, 7000), "rw-------");
        write(root.resolve("bin/tool.sh"), "#!/bin/sh\necho hi\n".getBytes(), "rwxr-xr-x");
        write(root.resolve("readonly.txt"), "ro\n".getBytes(), "r--r--r--");
        write(root.resolve("names/" + LONG_NAME), "long\n".getBytes(), "rw-r--r--");
        write(root.resolve("names/MixedCase.Name.With.Dots.tar.gz"), "m\n".getBytes(), "rw-r--r--");
        write(root.resolve("names/trailingdot."), "t\n".getBytes(), "rw-r--r--");
        for (int i = 0; i < 300; i++) {
            write(root.resolve(String.format("many/entry-number-%04d-with-a-longish-name.dat", i)),
                    ("entry " + i + "\n").getBytes(), "rw-r--r--");
        }
        Path deep = root.resolve("deep");
        for (int i = 1; i <= 12; i++) {
            deep = deep.resolve("level" + i);
        }
        write(deep.resolve("bottom.txt"), "bottom of the tree\n".getBytes(), "rw-r--r--");
        Path links = root.resolve("links");
        Files.createDirectories(links);
        Files.createSymbolicLink(links.resolve("relative"), Path.of("../live/vmlinuz"));
        Files.createSymbolicLink(links.resolve("absolute"), Path.of("/live/initrd.img"));
        Files.createSymbolicLink(links.resolve("sibling"), Path.of("target-in-same-dir"));
        Files.createSymbolicLink(links.resolve("dotdot"), Path.of("./../names/../live/./vmlinuz"));
        StringBuilder longTarget = new StringBuilder("/very");
        for (int i = 0; i < 20; i++) {
            // a 252-byte component cannot share an SL record with much else: it forces a split
            longTarget.append("/component-").append(i).append("-").append("y".repeat(i == 0 ? 240 : i == 10 ? 200 : 5));
        }
        Files.createSymbolicLink(links.resolve("long"), Path.of(longTarget.toString()));
        Files.createSymbolicLink(links.resolve("dir-link"), Path.of("../live"));
        setDirTimes(root);
        return root;
    }

    /** Sets every directory's mtime to {@link #MTIME} (after all content was written). */
    static void setDirTimes(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.setLastModifiedTime(p, FileTime.from(MTIME));
                }
            }
        }
    }

    /** One line of {@code xorriso -find / -exec lsdl}. */
    record Lsdl(String path, char type, String perms, long nlink, String uid, String gid, long size, String target) {
    }

    private static final Pattern LSDL = Pattern.compile(
            "^(\\S)(\\S{9})\\s+(\\d+)\\s+(\\S+)\\s+(\\S+)\\s+(\\d+)\\s+\\w{3}\\s+\\d+\\s+[\\d:]+\\s+'(.*?)'(?: -> '(.*)')?$");

    /** The tree as xorriso itself reads it (it restores relocated directories). */
    static Map<String, Lsdl> lsdl(Path iso) {
        String out = xorriso("-indev", iso.toString(), "-find", "/", "-exec", "lsdl").stdoutText();
        Map<String, Lsdl> m = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            Matcher x = LSDL.matcher(line);
            if (x.matches()) {
                m.put(x.group(7), new Lsdl(x.group(7), x.group(1).charAt(0), x.group(2), Long.parseLong(x.group(3)),
                        x.group(4), x.group(5), Long.parseLong(x.group(6)), x.group(8)));
            }
        }
        if (m.isEmpty()) {
            fail("could not parse xorriso -lsdl output:\n" + out);
        }
        return m;
    }

    /** {@code rwxr-xr-x} to 0755 (setuid etc. ignored). */
    static int perms(String rwx) {
        int m = 0;
        for (int i = 0; i < 9; i++) {
            m = (m << 1) | (rwx.charAt(i) == '-' ? 0 : 1);
        }
        return m;
    }

    /**
     * {@code isoinfo -l} output as "dir/name" -> size for regular files and "dir/name/" -> 0 for
     * directories; names are post-processed the way the ISO 9660 namespace documents
     * (";1" and a trailing '.' removed) when {@code stripVersion}.
     */
    static Map<String, Long> isoinfoListing(String out, boolean stripVersion) {
        Map<String, Long> m = new LinkedHashMap<>();
        String dir = null;
        Pattern line = Pattern.compile("^([d-])\\S{9}\\s+\\d+\\s+\\d+\\s+\\d+\\s+(\\d+) .*?\\]  (.*) $");
        for (String l : out.split("\n")) {
            if (l.startsWith("Directory listing of ")) {
                dir = l.substring("Directory listing of ".length()).trim();
                continue;
            }
            Matcher x = line.matcher(l);
            if (dir == null || !x.matches()) {
                continue;
            }
            String name = x.group(3);
            if (name.equals(".") || name.equals("..")) {
                continue;
            }
            if (stripVersion) {
                name = name.replaceFirst(";\\d+$", "");
                if (name.endsWith(".") && name.length() > 1) {
                    name = name.substring(0, name.length() - 1);
                }
            }
            boolean isDir = x.group(1).equals("d");
            m.put(dir + name + (isDir ? "/" : ""), isDir ? 0L : Long.parseLong(x.group(2)));
        }
        return m;
    }

    /** Our tree in the {@link #isoinfoListing} shape. */
    static Map<String, Long> ourListing(IsoImage img) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (IsoEntry e : img.walk()) {
            if (e.path().equals("/")) {
                continue;
            }
            m.put(e.path() + (e.isDirectory() ? "/" : ""), e.isDirectory() ? 0L : e.size());
        }
        return m;
    }

    static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return sha256(in);
        }
    }

    /** Reads a file to bytes. */
    static byte[] read(Path p) throws IOException {
        return Files.readAllBytes(p);
    }
}
