package org.liveng.format.iso9660;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.liveng.api.medium.Content;
import org.liveng.api.medium.FileSpec;

/** Inputs for the writer tests: a kernel slot and an awkward tree, in memory and on disk. */
final class WriterFixtures {
    static final String UUID = "2024-01-01-00-00-00-00";
    static final Instant CREATED = Instant.parse("2023-06-01T10:00:00Z");
    static final String LONG_NAME = "a-very-long-file-name-" + "x".repeat(180) + "-that-needs-rock-ridge.txt";
    static final String LONG_TARGET;
    /** The tree: files (path to content), modes that are not the default, links, explicit directories. */
    static final Map<String, byte[]> TREE_FILES;
    static final Map<String, Integer> TREE_MODES;
    static final Map<String, String> TREE_LINKS;
    static final Map<String, Integer> TREE_DIRS;

    static {
        Map<String, byte[]> f = new LinkedHashMap<>();
        Map<String, Integer> m = new LinkedHashMap<>();
        Random rnd = new Random(42);
        for (int s : new int[] {0, 1, 2047, 2048, 2049, 100_000}) {
            f.put("/sizes/file-" + s + ".bin", bytes(rnd, s));
        }
        f.put("/empty", new byte[0]);
        f.put("/live/vmlinuz", bytes(rnd, 300_000));
        f.put("/live/initrd.img", bytes(rnd, 200_000));
        f.put("/bin/tool.sh", "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.US_ASCII));
        m.put("/bin/tool.sh", 0755);
        f.put("/names/" + LONG_NAME, "long\n".getBytes(StandardCharsets.US_ASCII));
        f.put("/names/MixedCase.Name.With.Dots.tar.gz", "m\n".getBytes(StandardCharsets.US_ASCII));
        f.put("/names/Mixed", "upper\n".getBytes(StandardCharsets.US_ASCII));
        f.put("/names/mixed", "lower\n".getBytes(StandardCharsets.US_ASCII));
        f.put("/names/.hidden", "h\n".getBytes(StandardCharsets.US_ASCII));
        f.put("/names/trailingdot.", "t\n".getBytes(StandardCharsets.US_ASCII));
        f.put("/names/with space & (parens).txt", "s\n".getBytes(StandardCharsets.US_ASCII));
        f.put("/names/private.key", "secret\n".getBytes(StandardCharsets.US_ASCII));
        m.put("/names/private.key", 0600);
        for (int i = 0; i < 300; i++) {
            f.put(String.format("/many/entry-number-%04d-with-a-longish-name.dat", i),
                    ("entry " + i + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        StringBuilder deep = new StringBuilder("/deep");
        for (int i = 1; i <= 10; i++) {
            deep.append("/level").append(i);
        }
        f.put(deep + "/bottom.txt", "bottom\n".getBytes(StandardCharsets.US_ASCII));
        TREE_FILES = Collections.unmodifiableMap(f);
        TREE_MODES = Collections.unmodifiableMap(m);
        StringBuilder t = new StringBuilder("/very");
        for (int i = 0; i < 12; i++) {
            t.append("/component-").append(i).append("-").append("y".repeat(i == 0 ? 240 : 5));
        }
        LONG_TARGET = t.toString();
        Map<String, String> l = new LinkedHashMap<>();
        l.put("/links/relative", "../live/vmlinuz");
        l.put("/links/absolute", "/live/initrd.img");
        l.put("/links/dotdot", "./../names/../live/./vmlinuz");
        l.put("/links/long", LONG_TARGET);
        l.put("/links/dir-link", "../live");
        TREE_LINKS = Collections.unmodifiableMap(l);
        Map<String, Integer> d = new LinkedHashMap<>();
        d.put("/emptydir", 0700);
        d.put("/bin", 0755);
        TREE_DIRS = Collections.unmodifiableMap(d);
    }

    private WriterFixtures() {
    }

    static byte[] random(long seed, int size) {
        return bytes(new Random(seed), size);
    }

    private static byte[] bytes(Random rnd, int size) {
        byte[] b = new byte[size];
        rnd.nextBytes(b);
        return b;
    }

    static IsoWriterOptions.Builder slotOptions() {
        return IsoWriterOptions.builder().volumeId("LIVENG_SYSTEM2").modifiedFromUuid(UUID).created(CREATED)
                .publisherId("LIVENG TESTS").applicationId("LIVENG ISO WRITER");
    }

    /** A kernel slot: a few MB of kernel and initrd plus the slot manifest. */
    static Map<String, byte[]> kernelSlotFiles() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("/live/vmlinuz", random(1, 3 * 1024 * 1024 + 123));
        m.put("/live/initrd.img", random(2, 2 * 1024 * 1024 + 77));
        m.put("/liveng/slot.json", "{\"slot\":\"b\",\"kernel\":\"6.1.0-liveng\"}\n".getBytes(StandardCharsets.UTF_8));
        return m;
    }

    static byte[] treeContent(String path) {
        return TREE_FILES.get(path);
    }

    /** One Runnable per entry of the tree, each adding it to {@code w}. */
    static List<Runnable> treeAdds(IsoWriter w) {
        List<Runnable> out = new ArrayList<>();
        TREE_FILES.forEach((p, b) -> out.add(() -> w.add(new FileSpec(p, Content.of(b, p)),
                TREE_MODES.getOrDefault(p, IsoWriter.DEFAULT_FILE_MODE), null)));
        TREE_LINKS.forEach((p, t) -> out.add(() -> w.symlink(p, t)));
        TREE_DIRS.forEach((p, mode) -> out.add(() -> w.directory(p, mode, null)));
        return out;
    }

    static IsoWriter treeWriter(IsoWriterOptions o) {
        IsoWriter w = new IsoWriter(o);
        treeAdds(w).forEach(Runnable::run);
        return w;
    }

    /** The same tree on disk, with the same modes and times, for xorrisofs. */
    static Path materialize(Path root, Instant time) throws IOException {
        Files.createDirectories(root);
        for (Map.Entry<String, byte[]> e : TREE_FILES.entrySet()) {
            Path p = root.resolve(e.getKey().substring(1));
            Files.createDirectories(p.getParent());
            Files.write(p, e.getValue());
            Files.setPosixFilePermissions(p, perms(TREE_MODES.getOrDefault(e.getKey(), 0444)));
        }
        for (Map.Entry<String, String> e : TREE_LINKS.entrySet()) {
            Path p = root.resolve(e.getKey().substring(1));
            Files.createDirectories(p.getParent());
            Files.createSymbolicLink(p, Path.of(e.getValue()));
        }
        for (String d : TREE_DIRS.keySet()) {
            Files.createDirectories(root.resolve(d.substring(1)));
        }
        List<Path> all = new ArrayList<>();
        try (var s = Files.walk(root)) {
            s.forEach(all::add);
        }
        Collections.reverse(all);
        for (Path p : all) {
            if (!Files.isSymbolicLink(p)) {
                Files.setLastModifiedTime(p, FileTime.from(time));
            }
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                String rel = "/" + root.relativize(p).toString();
                Files.setPosixFilePermissions(p, perms(TREE_DIRS.getOrDefault(rel.equals("/") ? "/" : rel, 0555)));
            }
        }
        return root;
    }

    static Set<PosixFilePermission> perms(int mode) {
        Set<PosixFilePermission> s = java.util.EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE};
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }
}
