package org.liveng.distro.debian.internal;

import static org.liveng.distro.debian.internal.DebianInitrdAugmenter.firstFile;
import static org.liveng.distro.debian.internal.DebianInitrdAugmenter.moduleDir;
import static org.liveng.distro.debian.internal.DebianInitrdAugmenter.sha256;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.liveng.api.ErrorCodes;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;
import org.liveng.api.initrd.AugmentedInitrd.AddedFile;
import org.liveng.api.initrd.AugmentedInitrd.AddedPackage;
import org.liveng.distro.debian.internal.DebianInitrdAugmenter.Initial;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ProcessRunner;

/** What goes into the appended archive, with where each file came from. */
final class InitrdPlan {
    final AppendedArchive archive = new AppendedArchive();
    final Map<String, Long> sizes = new TreeMap<>();
    private final Initial initial;
    private final List<String> libDirs;
    private final Map<String, byte[]> generated = new LinkedHashMap<>();
    private final Map<String, PackageSource> sourceOf = new LinkedHashMap<>();
    private final Map<String, String> sourcePath = new LinkedHashMap<>();
    private final Set<String> sonames = new TreeSet<>();
    private final List<AddedFile> files = new ArrayList<>();
    private final Map<String, AddedPackage> packages = new TreeMap<>();

    InitrdPlan(Initial initial, List<String> libDirs) {
        this.initial = initial;
        this.libDirs = libDirs;
    }

    /** Adds an ELF executable and, recursively, the libraries it needs that the initrd lacks. */
    void executable(PackageSource src, String canonical, String target) throws LivengException, IOException {
        add(src, canonical, target, 0755);
        Deque<String> elfs = new ArrayDeque<>(List.of(canonical));
        while (!elfs.isEmpty()) {
            String c = elfs.pop();
            byte[] bytes = Files.readAllBytes(src.local(c));
            if (!ElfDynamic.isElf(bytes)) {
                continue;
            }
            ElfDynamic d;
            try {
                d = ElfDynamic.parse(bytes, src.describe() + ":/" + c);
            } catch (IllegalArgumentException e) {
                throw new FormatException(0, e.getMessage());
            }
            if (d.interpreter().isPresent() && initial.tree().resolve(d.interpreter().get()).isEmpty()) {
                String interp = d.interpreter().get();
                String ic = src.tree().resolve(interp).orElseThrow(() -> new LivengException(ErrorCodes.NOT_FOUND,
                        src.describe() + " lacks the program interpreter " + interp + " of /" + c));
                add(src, ic, initial.tree().placement(interp), 0755);
            }
            for (String soname : d.needed()) {
                library(src, soname, true).ifPresent(elfs::push);
            }
        }
    }

    /** Adds a library by soname unless the initrd has it; returns its canonical source path when added. */
    Optional<String> library(PackageSource src, String soname, boolean required) throws LivengException {
        if (sonames.contains(soname) || has(initial.tree(), soname)) {
            return Optional.empty();
        }
        for (String dir : libDirs) {
            Optional<String> c = firstFile(src.tree(), dir + "/" + soname);
            if (c.isPresent()) {
                sonames.add(soname);
                add(src, c.get(), initial.tree().placement(dir + "/" + soname), 0644);
                return c;
            }
        }
        if (required) {
            throw new LivengException(ErrorCodes.NOT_FOUND, "the library " + soname + " is neither in the initrd nor in " + src.describe()
                    + " (looked in " + String.join(", ", libDirs) + ")");
        }
        return Optional.empty();
    }

    private boolean has(RootTree tree, String soname) {
        return libDirs.stream().anyMatch(d -> firstFile(tree, d + "/" + soname).isPresent());
    }

    private void add(PackageSource src, String canonical, String target, int mode) throws LivengException {
        src.fetch(List.of(canonical));
        parents(target);
        archive.file(target, mode, src.local(canonical));
        sourceOf.put(target, src);
        sourcePath.put(target, canonical);
    }

    private void parents(String target) {
        int i = target.indexOf('/');
        while (i > 0) {
            String dir = target.substring(0, i);
            if (initial.tree().resolve(dir).isEmpty()) {
                archive.directory(dir);
            }
            i = target.indexOf('/', i + 1);
        }
    }

    /** dm-mod, dm-crypt and the crypto modules with their dependencies, then the regenerated module index. */
    void modules(PackageSource src, String krel, ProcessRunner runner, Path staging) throws LivengException, IOException {
        String dir = moduleDir(src.tree(), krel).orElseThrow();
        List<String> index = new ArrayList<>(List.of(dir + "/modules.dep"));
        firstFile(src.tree(), dir + "/modules.builtin").ifPresent(index::add);
        src.fetch(index);
        Map<String, List<String>> deps = parseDeps(Files.readString(src.local(dir + "/modules.dep"), StandardCharsets.UTF_8));
        Set<String> builtin = new TreeSet<>();
        if (index.size() > 1) {
            for (String l : Files.readAllLines(src.local(index.get(1)), StandardCharsets.UTF_8)) {
                if (!l.isBlank()) {
                    builtin.add(moduleName(l));
                }
            }
        }
        Map<String, String> byName = new TreeMap<>();
        deps.keySet().forEach(rel -> byName.put(moduleName(rel), rel));
        Set<String> wanted = new LinkedHashSet<>();
        for (String m : DebianInitrdAugmenter.DM_MODULES) {
            if (byName.containsKey(m)) {
                wanted.add(byName.get(m));
            } else if (!builtin.contains(m)) {
                throw new LivengException(ErrorCodes.NOT_FOUND, "kernel " + krel + " has no " + m.replace('_', '-')
                        + " module in " + src.describe() + " and does not build it in");
            }
        }
        for (String m : DebianInitrdAugmenter.CRYPTO_MODULES) {
            for (String rel : deps.keySet()) {
                String name = moduleName(rel);
                boolean arch = rel.matches("kernel/arch/[^/]+/crypto/[^/]+") && name.startsWith(m + "_");
                boolean generic = rel.matches("kernel/crypto/[^/]+") && (name.equals(m + "_generic") || name.equals(m));
                if (arch || generic) {
                    wanted.add(rel);
                }
            }
        }
        Deque<String> todo = new ArrayDeque<>(wanted);
        Set<String> closure = new TreeSet<>();
        while (!todo.isEmpty()) {
            String rel = todo.pop();
            if (closure.add(rel)) {
                todo.addAll(deps.getOrDefault(rel, List.of()));
            }
        }
        String target = initial.moduleDir();
        List<String> missing = new ArrayList<>();
        for (String rel : closure) {
            if (initial.tree().resolve(target + "/" + rel).isEmpty()) {
                missing.add(rel);
            }
        }
        src.fetch(missing.stream().map(rel -> dir + "/" + rel).toList());
        for (String rel : missing) {
            add(src, dir + "/" + rel, target + "/" + rel, 0644);
        }
        // depmod on the initrd's own modules plus the added ones: the index the kernel's modprobe reads
        Path stage = staging.resolve("lib/modules/" + krel);
        Files.createDirectories(stage);
        for (String p : initial.ramfs().capturedPaths()) {
            Path f = stage.resolve(p.substring(target.length() + 1));
            Files.createDirectories(f.getParent());
            Files.write(f, initial.ramfs().captured(p).orElseThrow());
        }
        for (String rel : missing) {
            Path f = stage.resolve(rel);
            Files.createDirectories(f.getParent());
            Files.copy(src.local(dir + "/" + rel), f, StandardCopyOption.REPLACE_EXISTING);
        }
        runner.run(Command.of("depmod", "-b", staging.toString(), krel).timeout(Duration.ofMinutes(5)).fromPackage("kmod"));
        Map<String, List<String>> newDeps = parseDeps(Files.readString(stage.resolve("modules.dep"), StandardCharsets.UTF_8));
        for (String rel : closure) {
            if (!newDeps.containsKey(rel)) {
                throw new LivengException(ErrorCodes.TOOL, "depmod left " + rel + " out of the regenerated modules.dep");
            }
        }
        try (var s = Files.list(stage)) {
            for (Path f : s.sorted().toList()) {
                String name = f.getFileName().toString();
                if (!name.startsWith("modules.") || DebianInitrdAugmenter.DEPMOD_INPUTS.contains(name) || !Files.isRegularFile(f)) {
                    continue;
                }
                byte[] now = Files.readAllBytes(f);
                Optional<byte[]> before = initial.ramfs().captured(target + "/" + name);
                if (before.isPresent() && Arrays.equals(before.get(), now)) {
                    continue;
                }
                parents(target + "/" + name);
                archive.file(target + "/" + name, 0644, now);
                sourcePath.put(target + "/" + name, null);
                generated.put(target + "/" + name, now);
            }
        }
    }

    List<AddedPackage> packages() {
        return List.copyOf(packages.values());
    }

    List<AddedFile> files() {
        return List.copyOf(files);
    }

    /** Sizes, hashes and owning packages of everything added (call once, after the last addition). */
    void account() throws LivengException, IOException {
        Map<PackageSource, Map<String, String[]>> owners = new LinkedHashMap<>();
        for (Map.Entry<String, PackageSource> e : sourceOf.entrySet()) {
            owners.computeIfAbsent(e.getValue(), k -> new LinkedHashMap<>());
        }
        for (PackageSource src : owners.keySet()) {
            List<String> paths = sourceOf.entrySet().stream().filter(e -> e.getValue() == src).map(e -> sourcePath.get(e.getKey())).toList();
            owners.get(src).putAll(src.owners(paths));
        }
        for (Map.Entry<String, String> e : new TreeMap<>(sourcePath).entrySet()) {
            String target = e.getKey();
            byte[] bytes;
            String from;
            if (e.getValue() == null) {
                bytes = generated.get(target);
                from = "depmod";
            } else {
                PackageSource src = sourceOf.get(target);
                bytes = Files.readAllBytes(src.local(e.getValue()));
                String[] o = owners.get(src).get(e.getValue());
                from = o == null ? "unowned file of " + src.describe() : o[0];
                if (o != null) {
                    packages.putIfAbsent(o[0], new AddedPackage(o[0], o[1], src.describe()));
                }
            }
            sizes.put(target, (long) bytes.length);
            files.add(new AddedFile(target, bytes.length, sha256(bytes), from));
        }
    }

    static Map<String, List<String>> parseDeps(String modulesDep) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String line : modulesDep.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String rest = line.substring(colon + 1).strip();
            m.put(line.substring(0, colon).strip(), rest.isEmpty() ? List.of() : List.of(rest.split("\\s+")));
        }
        return m;
    }

    /** The module name of a path: {@code kernel/drivers/md/dm-crypt.ko.xz} is {@code dm_crypt}. */
    static String moduleName(String path) {
        String n = path.substring(path.lastIndexOf('/') + 1);
        int ko = n.indexOf(".ko");
        return (ko < 0 ? n : n.substring(0, ko)).replace('-', '_');
    }
}
