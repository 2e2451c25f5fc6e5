package org.liveng.distro.debian.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.Support;
import org.liveng.api.distro.BaseDistro;
import org.liveng.api.distro.BootEquipment;
import org.liveng.api.distro.DistroInfo;
import org.liveng.api.distro.InitrdInfo;
import org.liveng.api.distro.KernelInfo;
import org.liveng.api.medium.Content;
import org.liveng.api.medium.Medium;
import org.liveng.api.medium.MediumEntry;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code debian-live} base distro: Debian live ISOs as live-build makes
 * them (bookworm, trixie). See the bundle README for where each fact comes from.
 */
@Component(service = BaseDistro.class, property = "liveng.id=" + DebianLiveDistro.ID)
public final class DebianLiveDistro implements BaseDistro {
    public static final String ID = "debian-live";
    static final String LIVE_DIR = "/live";
    static final String DISK_INFO = "/.disk/info";
    static final String PACKAGES_SUFFIX = ".packages";
    private static final int SMALL_FILE = 1 << 20;
    private static final int PACKAGES_MAX = 16 << 20;
    private static final int KERNEL_HEAD = 64 * 1024;

    private final InitrdAnalyzer initrds = new InitrdAnalyzer();

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Debian live ISOs made by live-build (bookworm, trixie)";
    }

    @Override
    public Support recognize(Medium medium) throws LivengException {
        List<String> missing = new ArrayList<>();
        Optional<MediumEntry> live = medium.stat(LIVE_DIR);
        if (live.isEmpty() || !live.get().isDirectory()) {
            return Support.no("no /live directory (live-build puts the live system there), so this is not a Debian live ISO");
        }
        Optional<String> info = diskInfo(medium);
        if (info.isPresent()) {
            String text = info.get().toLowerCase(Locale.ROOT);
            if (!text.contains("debian")) {
                return Support.no(".disk/info names another system: \"" + info.get().strip().lines().findFirst().orElse("")
                        + "\"; a vendor provider for it is needed");
            }
        }
        List<MediumEntry> entries = medium.list(LIVE_DIR);
        if (entries.stream().noneMatch(e -> e.isFile() && e.name().endsWith(".squashfs"))) {
            missing.add("no root filesystem (*.squashfs) in /live");
        }
        if (pairKernels(medium, entries).isEmpty()) {
            missing.add("no kernel (vmlinuz*) with a matching initrd (initrd.img*) in /live");
        }
        return missing.isEmpty() ? Support.yes() : Support.no(missing.toArray(String[]::new));
    }

    @Override
    public DistroInfo inspect(Medium medium) throws LivengException {
        Support s = recognize(medium);
        if (!s.supported()) {
            throw new LivengException(ErrorCodes.UNSUPPORTED,
                    medium.source() + " is not a Debian live ISO: " + String.join("; ", s.reasons()),
                    "use a Debian live ISO (bookworm or trixie)");
        }
        List<String> warnings = new ArrayList<>();
        List<MediumEntry> liveEntries = medium.list(LIVE_DIR);
        MediumEntry squashfs = liveEntries.stream().filter(e -> e.isFile() && e.name().endsWith(".squashfs"))
                .max(Comparator.comparingLong(MediumEntry::size)).orElseThrow();
        Map<String, String> packages = packages(medium, liveEntries, squashfs);

        Optional<String> info = diskInfo(medium);
        DebianRelease release = info.map(DebianRelease::fromDiskInfo).orElse(new DebianRelease("", "", "", ""));
        if (info.isEmpty()) {
            warnings.add("no .disk/info: release facts were taken from other files");
        }
        String codename = release.codename();
        String version = release.version();
        String baseFiles = packages.getOrDefault("base-files", "");
        if (codename.isEmpty()) {
            codename = distsCodename(medium).or(() -> DebianRelease.codenameOfBaseFiles(baseFiles)).orElse("");
        }
        if (version.isEmpty() && !baseFiles.isEmpty()) {
            version = DebianRelease.majorOfBaseFiles(baseFiles);
        }

        List<KernelInfo> kernels = new ArrayList<>();
        for (KernelPair p : pairKernels(medium, liveEntries)) {
            InitrdInfo initrd = initrds.analyze(medium, p.initrd(), p.version(), packages.getOrDefault("live-boot", ""));
            kernels.add(new KernelInfo(p.version(), p.kernel().path(), p.kernel().size(), p.initrd().path(),
                    siblingIfPresent(medium, "config-" + p.version()), siblingIfPresent(medium, "System.map-" + p.version()), initrd));
            if (!initrd.liveBoot()) {
                warnings.add("the initrd " + p.initrd().path() + " has no live-boot scripts: it cannot boot the live system");
            }
            if (!initrd.encryptionReady()) {
                warnings.add("the initrd " + p.initrd().path() + " cannot unlock encrypted persistence (missing: "
                        + String.join(", ", initrd.missingForEncryption())
                        + "); live-boot would silently boot without persistence (forge --fix-initrd adds cryptsetup to the stick's initrd)");
            }
            if (!initrd.kernelModulesVersion().isEmpty() && !initrd.kernelModulesVersion().equals(p.version())) {
                warnings.add("the initrd " + p.initrd().path() + " holds modules for " + initrd.kernelModulesVersion()
                        + ", not for its kernel " + p.version());
            }
        }
        String arch = release.architecture();
        if (arch.isEmpty()) {
            arch = kernels.stream().map(k -> k.version().replaceFirst(".*-", ""))
                    .filter(a -> a.matches("amd64|arm64|686|686-pae|armmp|s390x|powerpc64le|riscv64")).findFirst()
                    .map(a -> a.startsWith("686") ? "i386" : a.equals("armmp") ? "armhf" : a.equals("powerpc64le") ? "ppc64el" : a)
                    .orElse("");
        }
        if (kernels.size() > 1) {
            warnings.add(kernels.size() + " kernels on the ISO; the newest, " + kernels.get(0).version() + ", is the default");
        }
        List<String> sums = new ArrayList<>();
        for (String name : List.of("/sha256sum.txt", "/sha512sum.txt", "/md5sum.txt", "/SHA256SUMS", "/MD5SUMS")) {
            if (medium.stat(name).isPresent()) {
                sums.add(name);
            }
        }
        BootEquipment boot = BootScanner.scan(medium);
        return new DistroInfo(ID, "debian", release.name(), codename, version, arch, medium.volumeId(), medium.uuid(),
                medium.size(), squashfs.path(), squashfs.size(), kernels, boot, sums, warnings);
    }

    /** Reads the initrd as {@link #inspect(Medium)} reads the ISO's; live-boot's version is not known outside the ISO. */
    @Override
    public InitrdInfo analyzeInitrd(Content initrd, String kernelVersion) throws LivengException {
        return InitrdAnalyzer.analyze(initrd, "the initrd " + initrd.describe(), kernelVersion, "");
    }

    private static Optional<String> diskInfo(Medium medium) throws LivengException {
        if (medium.stat(DISK_INFO).filter(MediumEntry::isFile).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new String(medium.readAll(DISK_INFO, SMALL_FILE), StandardCharsets.UTF_8));
    }

    private static Optional<String> distsCodename(Medium medium) throws LivengException {
        if (medium.stat("/dists").filter(MediumEntry::isDirectory).isEmpty()) {
            return Optional.empty();
        }
        return medium.list("/dists").stream().filter(MediumEntry::isDirectory).map(MediumEntry::name)
                .filter(n -> DebianRelease.CODENAMES.containsValue(n)).findFirst();
    }

    /** Package name to version from live-build's {@code filesystem.packages} (tab-separated). */
    private static Map<String, String> packages(Medium medium, List<MediumEntry> live, MediumEntry squashfs) throws LivengException {
        String base = squashfs.name().substring(0, squashfs.name().length() - ".squashfs".length());
        Optional<MediumEntry> list = live.stream().filter(e -> e.isFile() && e.name().equals(base + PACKAGES_SUFFIX)).findFirst();
        Map<String, String> result = new LinkedHashMap<>();
        if (list.isEmpty()) {
            return result;
        }
        String text = new String(medium.readAll(list.get().path(), PACKAGES_MAX), StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2) {
                result.put(f[0].replaceFirst(":.*$", ""), f[1]);
            }
        }
        return result;
    }

    private static String siblingIfPresent(Medium medium, String name) throws LivengException {
        String p = LIVE_DIR + "/" + name;
        return medium.stat(p).filter(MediumEntry::isFile).isPresent() ? p : null;
    }

    record KernelPair(String version, MediumEntry kernel, MediumEntry initrd) {
    }

    /** Kernels in /live with the initrd of the same version, newest first. */
    static List<KernelPair> pairKernels(Medium medium, List<MediumEntry> live) throws LivengException {
        List<KernelPair> pairs = new ArrayList<>();
        for (MediumEntry k : live) {
            if (!k.isFile() || !(k.name().equals("vmlinuz") || k.name().startsWith("vmlinuz-"))) {
                continue;
            }
            String suffix = k.name().substring("vmlinuz".length());
            Optional<MediumEntry> initrd = live.stream().filter(e -> e.isFile() && e.name().equals("initrd.img" + suffix)).findFirst();
            if (initrd.isEmpty()) {
                continue;
            }
            String version = suffix.isEmpty() ? versionFromImage(medium, k).orElse("unknown") : suffix.substring(1);
            pairs.add(new KernelPair(version, k, initrd.get()));
        }
        // live-build also writes plain vmlinuz/initrd.img copies of the default kernel: one kernel, two names
        List<KernelPair> unique = new ArrayList<>();
        for (KernelPair p : pairs) {
            boolean alias = pairs.stream().anyMatch(o -> o != p && o.version().equals(p.version())
                    && o.kernel().name().startsWith("vmlinuz-") && !p.kernel().name().startsWith("vmlinuz-")
                    && o.kernel().size() == p.kernel().size() && o.initrd().size() == p.initrd().size());
            if (!alias) {
                unique.add(p);
            }
        }
        unique.sort(Comparator.comparing(KernelPair::version, KernelVersions.ORDER).reversed());
        return unique;
    }

    private static Optional<String> versionFromImage(Medium medium, MediumEntry kernel) throws LivengException {
        try (InputStream in = medium.open(kernel.path())) {
            return KernelVersions.fromBzImageHeader(in.readNBytes(KERNEL_HEAD));
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, medium.source() + ": reading " + kernel.path() + " failed: " + e.getMessage(), null, e);
        }
    }
}
