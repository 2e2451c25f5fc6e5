package org.liveng.distro.debian.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ProcessRunner;

/**
 * Packages of the ISO's release downloaded with apt into a private apt state
 * (its own lists, cache and empty dpkg status; the host's package state is not
 * touched), unpacked with {@code dpkg-deb -x} into one root. The mirrors are
 * the host's own ({@link HostAptSources}); the release is the ISO's.
 */
final class AptSource implements PackageSource {
    static final Path KEYRING = Path.of("/usr/share/keyrings/debian-archive-keyring.gpg");
    private static final Duration TIMEOUT = Duration.ofMinutes(20);

    private final ProcessRunner runner;
    private final Path aptConf;
    private final Path debs;
    private final Path root;
    private final String description;
    private final Map<String, String[]> owners = new HashMap<>();
    private RootTree tree = new RootTree();

    private AptSource(ProcessRunner runner, Path aptConf, Path debs, Path root, String description) {
        this.runner = runner;
        this.aptConf = aptConf;
        this.debs = debs;
        this.root = root;
        this.description = description;
    }

    /** Sets up the private apt state for {@code release} and updates its package lists. */
    static AptSource open(ProcessRunner runner, String release, String architecture, Path work) throws LivengException {
        if (release.isEmpty()) {
            throw new LivengException(ErrorCodes.NOT_FOUND, "the ISO's Debian release is unknown, so no packages can be downloaded for it",
                    "use an ISO with .disk/info or live/filesystem.packages");
        }
        Path dir = work.resolve("apt");
        try {
            List<HostAptSources.Source> host = HostAptSources.read(Path.of("/etc/apt"));
            String mirror = HostAptSources.uriFor(host, "");
            String security = HostAptSources.uriFor(host, "-security");
            if (mirror.isEmpty()) {
                throw new LivengException(ErrorCodes.ENVIRONMENT, "this machine's apt configuration names no Debian mirror",
                        "add a deb source for the Debian archive to /etc/apt/sources.list.d");
            }
            if (!Files.isRegularFile(KEYRING)) {
                throw new LivengException(ErrorCodes.ENVIRONMENT, "no " + KEYRING + " to check the Debian archive's signatures",
                        "apt-get install debian-archive-keyring");
            }
            for (String d : List.of("lists/partial", "cache/archives/partial", "etc/sources.list.d", "etc/preferences.d", "debs", "root")) {
                Files.createDirectories(dir.resolve(d));
            }
            Files.writeString(dir.resolve("status"), "");
            StringBuilder sources = new StringBuilder();
            String signed = "deb [signed-by=" + KEYRING + "] ";
            sources.append(signed).append(mirror).append(' ').append(release).append(" main\n");
            sources.append(signed).append(mirror).append(' ').append(release).append("-updates main\n");
            if (!security.isEmpty()) {
                sources.append(signed).append(security).append(' ').append(release).append("-security main\n");
            }
            Files.writeString(dir.resolve("etc/sources.list"), sources.toString(), StandardCharsets.UTF_8);
            String conf = String.join("\n",
                    "Dir::Etc::SourceList \"" + dir.resolve("etc/sources.list") + "\";",
                    "Dir::Etc::SourceParts \"" + dir.resolve("etc/sources.list.d") + "\";",
                    "Dir::Etc::Preferences \"" + dir.resolve("etc/preferences") + "\";",
                    "Dir::Etc::PreferencesParts \"" + dir.resolve("etc/preferences.d") + "\";",
                    "Dir::State \"" + dir + "\";",
                    "Dir::State::Lists \"" + dir.resolve("lists") + "\";",
                    "Dir::State::status \"" + dir.resolve("status") + "\";",
                    "Dir::Cache \"" + dir.resolve("cache") + "\";",
                    "APT::Architecture \"" + architecture + "\";",
                    "APT::Architectures { \"" + architecture + "\"; };",
                    "Acquire::Languages \"none\";",
                    "APT::Sandbox::User \"root\";",
                    "") + "\n";
            Path aptConf = Files.writeString(dir.resolve("apt.conf"), conf, StandardCharsets.UTF_8);
            AptSource s = new AptSource(runner, aptConf, dir.resolve("debs"), dir.resolve("root"), "apt " + release);
            s.apt("apt-get", "-q", "update");
            return s;
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "setting up a private apt state in " + dir + " failed: " + e.getMessage(), null, e);
        }
    }

    private String apt(String... argv) throws LivengException {
        return runner.run(Command.of(List.of(argv)).env("APT_CONFIG", aptConf.toString()).directory(debs).timeout(TIMEOUT)
                .fromPackage("apt")).stdoutText();
    }

    /** Downloads the packages (and, with {@code withDependencies}, their dependency closure) and unpacks them into the root. */
    void install(List<String> packages, boolean withDependencies) throws LivengException {
        Set<String> names = new LinkedHashSet<>(packages);
        if (withDependencies) {
            List<String> argv = new ArrayList<>(List.of("apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                    "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances"));
            argv.addAll(packages);
            for (String line : apt(argv.toArray(String[]::new)).split("\n")) {
                if (!line.isBlank() && !line.startsWith(" ") && !line.startsWith("<")) {
                    names.add(line.strip());
                }
            }
        }
        List<String> argv = new ArrayList<>(List.of("apt-get", "-q", "download"));
        argv.addAll(names);
        apt(argv.toArray(String[]::new));
        try (Stream<Path> s = Files.list(debs)) {
            for (Path deb : s.filter(p -> p.toString().endsWith(".deb")).sorted().toList()) {
                String[] f = runner.run(Command.of("dpkg-deb", "-f", deb.toString(), "Package", "Version").fromPackage("dpkg"))
                        .stdoutText().split("\n");
                String pkg = f[0].replaceFirst("^Package:\\s*", "").strip();
                String version = f.length > 1 ? f[1].replaceFirst("^Version:\\s*", "").strip() : "";
                runner.run(Command.of("dpkg-deb", "-x", deb.toString(), root.toString()).timeout(TIMEOUT).fromPackage("dpkg"));
                Files.move(deb, deb.resolveSibling(deb.getFileName() + ".done"));
                tree = walk(root);
                for (String p : tree.paths()) {
                    owners.putIfAbsent(p, new String[] { pkg, version });
                }
            }
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "unpacking packages into " + root + " failed: " + e.getMessage(), null, e);
        }
    }

    /** Runs depmod over the unpacked modules of {@code krel} (the package's postinst would have), so modules.dep exists. */
    void indexModules(String krel) throws LivengException {
        try {
            Path lib = root.resolve("lib/modules/" + krel);
            Path usr = root.resolve("usr/lib/modules/" + krel);
            if (!Files.isDirectory(lib) && Files.isDirectory(usr)) {
                Files.createDirectories(root.resolve("lib"));
                if (!Files.exists(root.resolve("lib/modules"), LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(root.resolve("lib/modules"), Path.of("../usr/lib/modules"));
                }
            }
            if (!Files.isDirectory(root.resolve("lib/modules/" + krel))) {
                return;
            }
            runner.run(Command.of("depmod", "-b", root.toString(), krel).timeout(TIMEOUT).fromPackage("kmod"));
            tree = walk(root);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "indexing the modules of " + krel + " in " + root + " failed: " + e.getMessage(), null, e);
        }
    }

    static RootTree walk(Path root) throws IOException {
        RootTree t = new RootTree();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String rel = root.relativize(p).toString();
                if (rel.isEmpty()) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    t.add(rel, RootTree.Kind.SYMLINK, Files.readSymbolicLink(p).toString(), 0, 0777);
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    t.add(rel, RootTree.Kind.DIRECTORY, null, 0, 0755);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    int mode = 0;
                    for (PosixFilePermission perm : Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)) {
                        mode |= 1 << (8 - perm.ordinal());
                    }
                    t.add(rel, RootTree.Kind.FILE, null, Files.size(p), mode);
                }
            }
        }
        return t;
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
    public void fetch(Collection<String> canonicalPaths) {
        // everything is unpacked already
    }

    @Override
    public Path local(String canonicalPath) {
        return root.resolve(RootTree.strip(canonicalPath));
    }

    @Override
    public Map<String, String[]> owners(Collection<String> canonicalPaths) {
        Map<String, String[]> m = new HashMap<>();
        for (String p : canonicalPaths) {
            String[] o = owners.get(RootTree.strip(p));
            if (o != null) {
                m.put(RootTree.strip(p), o);
            }
        }
        return m;
    }
}
