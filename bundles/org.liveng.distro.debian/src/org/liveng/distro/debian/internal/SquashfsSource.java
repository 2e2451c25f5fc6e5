package org.liveng.distro.debian.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.medium.Medium;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ProcessRunner;

/**
 * The ISO's own root filesystem: the exact files the live system runs, for the
 * exact kernel of the ISO, without any download. Listed once with
 * {@code unsquashfs -lls}; contents extracted on demand with {@code unsquashfs -ef}.
 */
final class SquashfsSource implements PackageSource {
    private static final Pattern LINE = Pattern.compile(
            "^([-dlcbps])([-rwxsStT]{9})\\s+\\S+\\s+(\\d+|\\d+,\\s*\\d+)\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d (.*)$");
    private static final String DPKG_INFO = "var/lib/dpkg/info";
    private static final String DPKG_STATUS = "var/lib/dpkg/status";
    private static final Duration TIMEOUT = Duration.ofMinutes(20);

    private final ProcessRunner runner;
    private final Path image;
    private final Path root;
    private final String description;
    private final RootTree tree;
    private final Set<String> fetched = new HashSet<>();

    private SquashfsSource(ProcessRunner runner, Path image, Path root, String description, RootTree tree) {
        this.runner = runner;
        this.image = image;
        this.root = root;
        this.description = description;
        this.tree = tree;
    }

    /** Copies the squashfs out of the medium into {@code work} and lists it. */
    static SquashfsSource open(ProcessRunner runner, Medium medium, String squashfsPath, Path work) throws LivengException {
        Path image = work.resolve("root.squashfs");
        try (InputStream in = medium.open(squashfsPath)) {
            Files.copy(in, image);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, medium.source() + ": copying " + squashfsPath + " failed: " + e.getMessage(), null, e);
        }
        String listing = runner.run(Command.of("unsquashfs", "-lls", "-d", "", image.toString()).timeout(TIMEOUT)
                .fromPackage("squashfs-tools")).stdoutText();
        return new SquashfsSource(runner, image, work.resolve("squashfs-root"), "squashfs " + squashfsPath, parse(listing));
    }

    static RootTree parse(String listing) {
        RootTree t = new RootTree();
        for (String line : listing.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String path = m.group(4);
            String target = null;
            RootTree.Kind kind = switch (m.group(1)) {
                case "-" -> RootTree.Kind.FILE;
                case "d" -> RootTree.Kind.DIRECTORY;
                case "l" -> RootTree.Kind.SYMLINK;
                default -> RootTree.Kind.OTHER;
            };
            if (kind == RootTree.Kind.SYMLINK) {
                int arrow = path.indexOf(" -> ");
                target = path.substring(arrow + 4);
                path = path.substring(0, arrow);
            }
            long size = kind == RootTree.Kind.FILE ? Long.parseLong(m.group(3)) : 0;
            t.add(path, kind, target, size, permissions(m.group(2)));
        }
        return t;
    }

    static int permissions(String rwx) {
        int mode = 0;
        for (int i = 0; i < 9; i++) {
            char c = rwx.charAt(i);
            if (c != '-' && c != 'S' && c != 'T') {
                mode |= 1 << (8 - i);
            }
        }
        return mode;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public RootTree tree() {
        return tree;
    }

    @Override
    public void fetch(Collection<String> canonicalPaths) throws LivengException {
        List<String> todo = canonicalPaths.stream().map(RootTree::strip).filter(p -> !fetched.contains(p)).distinct().toList();
        if (todo.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(root);
            Path list = Files.createTempFile(root.getParent(), "extract", ".txt");
            Files.writeString(list, String.join("\n", todo.stream().map(p -> "/" + p).toList()) + "\n", StandardCharsets.UTF_8);
            runner.run(Command.of("unsquashfs", "-no-progress", "-quiet", "-no-xattrs", "-no-wildcards", "-f", "-d", root.toString(),
                    "-ef", list.toString(), image.toString()).timeout(TIMEOUT).fromPackage("squashfs-tools"));
            Files.delete(list);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "extracting from " + description + " failed: " + e.getMessage(), null, e);
        }
        for (String p : todo) {
            if (!Files.exists(root.resolve(p))) {
                throw new LivengException(ErrorCodes.TOOL, "unsquashfs did not extract /" + p + " from " + description);
            }
            fetched.add(p);
        }
    }

    @Override
    public Path local(String canonicalPath) {
        return root.resolve(RootTree.strip(canonicalPath));
    }

    @Override
    public Map<String, String[]> owners(Collection<String> canonicalPaths) throws LivengException {
        List<String> lists = new ArrayList<>();
        String info = tree.resolve(DPKG_INFO).orElse(DPKG_INFO);
        for (String name : tree.list(info)) {
            if (name.endsWith(".list")) {
                lists.add(info + "/" + name);
            }
        }
        String status = tree.resolve(DPKG_STATUS).orElse("");
        List<String> want = new ArrayList<>(lists);
        if (!status.isEmpty()) {
            want.add(status);
        }
        fetch(want);
        return DpkgDatabase.owners(tree, canonicalPaths, lists.stream().map(this::local).toList(),
                status.isEmpty() ? null : local(status));
    }
}
