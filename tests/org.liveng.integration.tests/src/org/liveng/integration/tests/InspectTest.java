package org.liveng.integration.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.distro.DistroInfo;
import org.liveng.api.distro.DistroInspector;
import org.liveng.api.distro.KernelInfo;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * {@code inspect} on the genuine Debian live ISO of the fixtures, judged by
 * tools nobody here wrote (xorriso, isoinfo, blkid, lsinitramfs), and on
 * layout variants that must be reported or refused.
 */
@ExtendWith(ServiceExtension.class)
class InspectTest {
    static Path iso;
    static Path initrdCache;

    @InjectService(timeout = 5000)
    DistroInspector inspector;

    @InjectService(timeout = 5000)
    CommandProcessor gogo;

    @BeforeAll
    static void fixtures() throws LivengException {
        iso = Fixtures.liveIso();
        initrdCache = Fixtures.initrds();
    }

    @Test
    void genuineIsoFactsMatchTheOracles(@TempDir Path tmp) throws Exception {
        DistroInfo info = inspector.inspect(iso, null);

        // volume id and UUID: isoinfo and blkid
        String pvd = Fixtures.run("isoinfo", "-d", "-i", iso.toString());
        String volumeId = pvd.lines().filter(l -> l.startsWith("Volume id:")).findFirst().orElseThrow().substring(10).strip();
        assertEquals(volumeId, info.volumeId());
        String uuid = Fixtures.run("blkid", "-p", "-o", "value", "-s", "UUID", iso.toString()).strip();
        assertEquals(uuid, info.volumeUuid());
        assertEquals(Files.size(iso), info.size());

        // .disk/info as the distro wrote it
        Path diskInfo = tmp.resolve("info");
        Fixtures.run("xorriso", "-osirrox", "on", "-indev", iso.toString(), "-extract", "/.disk/info", diskInfo.toString());
        String infoText = Files.readString(diskInfo).strip();
        assertEquals(infoText.lines().findFirst().orElseThrow(), info.name());
        assertEquals("bookworm", info.release());
        assertEquals("amd64", info.architecture());
        assertEquals("debian", info.family());
        assertEquals("debian-live", info.provider());

        // kernels: every live/vmlinuz-* that xorriso lists
        Set<String> kernelsByXorriso = xorrisoFind("/live", "vmlinuz-*").stream()
                .map(p -> p.substring(p.lastIndexOf("vmlinuz-") + 8)).collect(Collectors.toCollection(TreeSet::new));
        Set<String> ours = info.kernels().stream().map(KernelInfo::version).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(kernelsByXorriso, ours);
        assertFalse(ours.isEmpty());

        // squashfs path and size
        assertEquals("/live/filesystem.squashfs", info.rootFilesystem());
        assertEquals(sizeByXorriso("/live/filesystem.squashfs"), info.rootFilesystemSize());

        // initrd abilities: lsinitramfs on the extracted initrd
        KernelInfo k = info.defaultKernel();
        Path initrd = tmp.resolve("initrd.img");
        Fixtures.run("xorriso", "-osirrox", "on", "-indev", iso.toString(), "-extract", k.initrdPath(), initrd.toString());
        List<String> listing = Fixtures.run("lsinitramfs", initrd.toString()).lines().map(String::strip).toList();
        assertEquals(listing.contains("scripts/live"), k.initrd().liveBoot());
        assertTrue(k.initrd().liveBoot(), "the fixture ISO is a live-boot ISO");
        assertEquals(listing.stream().anyMatch(l -> l.endsWith("sbin/cryptsetup")), k.initrd().cryptsetup());
        assertTrue(k.initrd().cryptsetup(), "the fixture ISO is built with CRYPTSETUP=y");
        assertTrue(k.initrd().dmCrypt());
        assertTrue(k.initrd().encryptionReady());
        assertEquals(k.version(), k.initrd().kernelModulesVersion());
        assertFalse(k.initrd().liveBootVersion().isEmpty(), "live-boot version from filesystem.packages");

        // boot equipment
        assertEquals("/isolinux", info.boot().isolinux());
        assertNotNull(info.boot().efiImage());
        assertTrue(info.boot().elTorito().stream().anyMatch(l -> l.startsWith("bios:")), info.boot().elTorito().toString());
        assertTrue(info.boot().elTorito().stream().anyMatch(l -> l.startsWith("uefi:")), info.boot().elTorito().toString());
        assertTrue(info.boot().hybridMbr());
        assertFalse(info.checksumFiles().isEmpty());
    }

    @Test
    void gogoInspectJsonIsStableAndComplete() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
                CommandSession s = gogo.createSession(System.in, ps, ps)) {
            s.put("iso", iso.toString());
            Object json = s.execute("liveng:inspect --json $iso");
            JsonObject o = JsonParser.parseString(json.toString()).getAsJsonObject();
            assertEquals("debian-live", o.get("provider").getAsString());
            assertEquals("bookworm", o.get("release").getAsString());
            assertTrue(o.getAsJsonArray("kernels").size() >= 1);
            JsonObject initrd = o.getAsJsonArray("kernels").get(0).getAsJsonObject().getAsJsonObject("initrd");
            assertTrue(initrd.get("encryptionReady").getAsBoolean());
            // same input, same bytes
            assertEquals(json.toString(), s.execute("liveng:inspect --json $iso").toString());
            // the human rendering goes through the Converter
            Object human = s.execute("liveng:inspect $iso");
            String text = s.format(human, org.apache.felix.service.command.Converter.INSPECT).toString();
            assertTrue(text.contains("Release:") && text.contains("bookworm"), text);
            assertTrue(text.contains("encrypted persistence possible"), text);
        }
    }

    @Test
    void initrdWithoutCryptsetupIsReportedNotReady(@TempDir Path tmp) throws Exception {
        String kver = Files.readString(initrdCache.resolve("kernel-version")).strip();
        Path iso = new LayoutIso(tmp, "nocrypt")
                .text(".disk/info", "Debian GNU/Linux 13.1.0 \"Trixie\" - Official amd64 LIVE Binary 20250906-10:11")
                .file("live/vmlinuz-" + kver, LayoutIso.fakeBzImage(kver))
                .copy("live/initrd.img-" + kver, initrdCache.resolve("initrd-zstd-nocrypt.img"))
                .squashfs("live/filesystem.squashfs")
                .build("d-live 13.1.0 st amd64");
        DistroInfo info = inspector.inspect(iso, null);
        assertEquals("trixie", info.release());
        assertEquals("13.1.0", info.version());
        KernelInfo k = info.defaultKernel();
        assertEquals(kver, k.version());
        assertFalse(k.initrd().cryptsetup());
        assertTrue(k.initrd().dmCrypt(), "the fixture initrd lists dm-crypt in its modules");
        assertFalse(k.initrd().encryptionReady());
        assertEquals(List.of("zstd"), k.initrd().segments());
        assertTrue(info.warnings().stream().anyMatch(w -> w.contains("cannot unlock encrypted persistence") && w.contains("cryptsetup")),
                info.warnings().toString());
    }

    @Test
    void plainVmlinuzGetsItsVersionFromTheBzImageHeader(@TempDir Path tmp) throws Exception {
        Path iso = new LayoutIso(tmp, "plain")
                .text(".disk/info", "Debian GNU/Linux 12 \"Bookworm\" - Official Snapshot amd64 LIVE/INSTALL Binary 20240210-11:27")
                .file("live/vmlinuz", LayoutIso.fakeBzImage("6.1.0-18-amd64"))
                .copy("live/initrd.img", initrdCache.resolve("initrd-microcode-zstd.img"))
                .squashfs("live/filesystem.squashfs")
                .build("d-live 12 st amd64");
        DistroInfo info = inspector.inspect(iso, null);
        assertEquals("6.1.0-18-amd64", info.defaultKernel().version());
        assertEquals("/live/vmlinuz", info.defaultKernel().kernelPath());
        assertEquals(List.of("none", "zstd"), info.defaultKernel().initrd().segments());
        assertEquals("bookworm", info.release());
    }

    @Test
    void isoWithoutLiveDirectoryFailNamesIt(@TempDir Path tmp) throws Exception {
        Path iso = new LayoutIso(tmp, "notlive").text("README.txt", "just files\n").build("DATA");
        LivengException e = assertThrows(LivengException.class, () -> inspector.inspect(iso, null));
        assertEquals(ErrorCodes.UNSUPPORTED, e.code());
        assertTrue(e.getMessage().contains("no /live directory"), e.getMessage());
        assertNotNull(e.hint());
    }

    @Test
    void foreignDistroFailNamesWhatDiskInfoSays(@TempDir Path tmp) throws Exception {
        Path iso = new LayoutIso(tmp, "foreign")
                .text(".disk/info", "Ubuntu 24.04 LTS \"Noble Numbat\" - Release amd64 (20240424)")
                .file("live/vmlinuz-6.8.0-31-generic", LayoutIso.fakeBzImage("6.8.0-31-generic"))
                .text("live/initrd.img-6.8.0-31-generic", "x")
                .squashfs("live/filesystem.squashfs")
                .build("Ubuntu 24.04 LTS amd64");
        LivengException e = assertThrows(LivengException.class, () -> inspector.inspect(iso, null));
        assertEquals(ErrorCodes.UNSUPPORTED, e.code());
        assertTrue(e.getMessage().contains("Ubuntu 24.04"), e.getMessage());
    }

    @Test
    void liveDirectoryWithoutKernelFailNamesWhatIsMissing(@TempDir Path tmp) throws Exception {
        Path iso = new LayoutIso(tmp, "nokernel")
                .text(".disk/info", "Debian GNU/Linux 12 \"Bookworm\" - Official amd64")
                .text("live/filesystem.squashfs", "not really")
                .build("d-live 12");
        LivengException e = assertThrows(LivengException.class, () -> inspector.inspect(iso, null));
        assertTrue(e.getMessage().contains("no kernel (vmlinuz*) with a matching initrd"), e.getMessage());
    }

    @Test
    void truncatedIsoFailIsAFormatErrorWithTheFileName(@TempDir Path tmp) throws Exception {
        Path cut = tmp.resolve("cut.iso");
        try (var in = Files.newInputStream(iso)) {
            Files.write(cut, in.readNBytes(16 * 2048 + 100));
        }
        LivengException e = assertThrows(LivengException.class, () -> inspector.inspect(cut, null));
        assertEquals(ErrorCodes.FORMAT, e.code());
        assertTrue(e.getMessage().contains("cut.iso"), e.getMessage());
    }

    @Test
    void corruptInitrdFailNamesTheInitrd(@TempDir Path tmp) throws Exception {
        String kver = Files.readString(initrdCache.resolve("kernel-version")).strip();
        byte[] good = Files.readAllBytes(initrdCache.resolve("initrd-gzip.img"));
        byte[] bad = java.util.Arrays.copyOf(good, good.length / 2);
        Path iso = new LayoutIso(tmp, "badinitrd")
                .text(".disk/info", "Debian GNU/Linux 12 \"Bookworm\" - Official amd64")
                .file("live/vmlinuz-" + kver, LayoutIso.fakeBzImage(kver))
                .file("live/initrd.img-" + kver, bad)
                .squashfs("live/filesystem.squashfs")
                .build("d-live 12");
        LivengException e = assertThrows(LivengException.class, () -> inspector.inspect(iso, null));
        assertEquals(ErrorCodes.FORMAT, e.code());
        assertTrue(e.getMessage().contains("/live/initrd.img-" + kver), e.getMessage());
    }

    private static List<String> xorrisoFind(String dir, String pattern) throws LivengException {
        return Fixtures.run("xorriso", "-indev", iso.toString(), "-find", dir, "-name", pattern).lines()
                .map(String::strip).filter(l -> l.startsWith("'")).map(l -> l.substring(1, l.length() - 1)).toList();
    }

    private static long sizeByXorriso(String path) throws LivengException {
        String l = Fixtures.run("xorriso", "-indev", iso.toString(), "-lsl", path).lines()
                .filter(s -> s.contains(path)).findFirst().orElseThrow();
        String[] f = l.strip().split("\\s+");
        return Long.parseLong(f[4]);
    }
}
