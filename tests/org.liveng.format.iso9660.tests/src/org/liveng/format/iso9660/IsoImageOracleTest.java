package org.liveng.format.iso9660;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.liveng.api.FormatException;

/** Reads images made by the real xorriso and compares with what xorriso and isoinfo report. */
class IsoImageOracleTest {

    @TempDir
    static Path tmp;
    static Path src;

    @BeforeAll
    static void tree() throws IOException {
        src = IsoFixtures.standardTree(tmp.resolve("src"));
    }

    private static Path iso(String name, String... args) {
        return IsoFixtures.mkisofs(tmp.resolve(name), src, args);
    }

    /** Compares the whole Rock Ridge tree with xorriso's own reading and with the source tree. */
    private static void assertRockRidgeTree(Path iso, Path source) throws Exception {
        Map<String, IsoFixtures.Lsdl> oracle = IsoFixtures.lsdl(iso);
        try (IsoImage img = IsoImage.open(iso)) {
            assertTrue(img.hasRockRidge());
            assertEquals(Namespace.ROCK_RIDGE, img.namespace());
            List<IsoEntry> all = img.walk();
            assertEquals(new TreeSet<>(oracle.keySet()), all.stream().map(IsoEntry::path).collect(Collectors.toCollection(TreeSet::new)));
            for (IsoEntry e : all) {
                IsoFixtures.Lsdl o = oracle.get(e.path());
                String what = e.path();
                char type = switch (e.type()) {
                    case FILE -> '-';
                    case DIRECTORY -> 'd';
                    case SYMLINK -> 'l';
                };
                assertEquals(o.type(), type, what);
                assertEquals(IsoFixtures.perms(o.perms()), e.permissions(), what);
                assertEquals(Long.parseLong(o.uid()), e.uid(), what);
                assertEquals(Long.parseLong(o.gid()), e.gid(), what);
                if (e.isFile()) {
                    assertEquals(o.size(), e.size(), what);
                }
                assertEquals(o.target(), e.symlinkTarget(), what);
                if (e.path().equals("/")) {
                    continue;
                }
                Path s = source.resolve(e.path().substring(1));
                // Rock Ridge TF short form has whole seconds; symlink times come from their creation
                assertEquals(Files.getLastModifiedTime(s, LinkOption.NOFOLLOW_LINKS).toInstant().truncatedTo(ChronoUnit.SECONDS),
                        e.modified(), what);
                if (e.isFile()) {
                    try (InputStream in = img.open(e)) {
                        assertEquals(IsoFixtures.sha256(s), IsoFixtures.sha256(in), what);
                    }
                }
                if (e.isSymlink()) {
                    assertEquals(Files.readSymbolicLink(s).toString(), e.symlinkTarget(), what);
                }
            }
        }
    }

    @Test
    void rockRidgeAndJolietMatchXorriso() throws Exception {
        assertRockRidgeTree(iso("rrj.iso", "-R", "-J", "-joliet-long"), src);
    }

    @Test
    void rockRidgeWithoutJolietMatchesXorriso() throws Exception {
        Path iso = iso("rr.iso", "-R");
        assertRockRidgeTree(iso, src);
        try (IsoImage img = IsoImage.open(iso)) {
            assertTrue(img.joliet().isEmpty());
            assertEquals(IsoFixtures.LONG_NAME, img.lookup("/names/" + IsoFixtures.LONG_NAME).orElseThrow().name());
        }
        assertThrows(FormatException.class, () -> IsoImage.open(iso, Namespace.JOLIET).close());
    }

    @Test
    void rockRidgeTreeIsoinfoAgrees() throws Exception {
        Path iso = iso("rr-isoinfo.iso", "-R", "-J");
        Map<String, Long> oracle = IsoFixtures.isoinfoListing(IsoFixtures.isoinfo("-R", "-l", "-i", iso.toString()), false);
        try (IsoImage img = IsoImage.open(iso)) {
            Map<String, Long> ours = IsoFixtures.ourListing(img);
            // isoinfo lists symbolic links with their size; we report 0 -- compare names and regular sizes
            ours.keySet().removeIf(k -> img.lookup(k).map(IsoEntry::isSymlink).orElse(false));
            oracle.keySet().removeIf(k -> img.lookup(k).map(IsoEntry::isSymlink).orElse(false));
            assertEquals(new TreeMap<>(oracle), new TreeMap<>(ours));
        }
    }

    @Test
    void jolietNamesMatchIsoinfo() throws Exception {
        Path iso = iso("j.iso", "--norock", "-J", "-joliet-long");
        Map<String, Long> oracle = IsoFixtures.isoinfoListing(IsoFixtures.isoinfo("-J", "-l", "-i", iso.toString()), false);
        try (IsoImage img = IsoImage.open(iso)) {
            assertFalse(img.hasRockRidge());
            assertEquals(Namespace.JOLIET, img.namespace());
            assertTrue(img.joliet().orElseThrow().jolietLevel() >= 1);
            assertEquals(new TreeMap<>(oracle), new TreeMap<>(IsoFixtures.ourListing(img)));
            IsoEntry f = img.lookup("/sizes/file-100000.bin").orElseThrow();
            assertEquals(-1, f.mode());
            try (InputStream in = img.open(f)) {
                assertEquals(IsoFixtures.sha256(src.resolve("sizes/file-100000.bin")), IsoFixtures.sha256(in));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"iso-plain.iso,--norock", "iso-rr.iso,-R", "iso-rrj.iso,-J"})
    void isoNamesMatchIsoinfo(String name, String flag) throws Exception {
        Path iso = iso(name, flag);
        Map<String, Long> oracle = IsoFixtures.isoinfoListing(IsoFixtures.isoinfo("-l", "-i", iso.toString()), true);
        try (IsoImage img = IsoImage.open(iso, Namespace.ISO9660)) {
            assertEquals(Namespace.ISO9660, img.namespace());
            assertEquals(new TreeMap<>(oracle), new TreeMap<>(IsoFixtures.ourListing(img)));
            assertTrue(img.walk().stream().allMatch(e -> e.mode() == -1));
        }
        if (flag.equals("--norock")) {
            try (IsoImage img = IsoImage.open(iso)) {
                assertFalse(img.hasRockRidge());
                assertTrue(img.joliet().isEmpty());
                assertEquals(Namespace.ISO9660, img.namespace());
            }
        }
    }

    @Test
    void namespacesAgreeOnContent() throws Exception {
        Path iso = iso("all.iso", "-R", "-J", "-joliet-long");
        try (IsoImage rr = IsoImage.open(iso, Namespace.ROCK_RIDGE);
                IsoImage j = IsoImage.open(iso, Namespace.JOLIET);
                IsoImage plain = IsoImage.open(iso, Namespace.ISO9660)) {
            IsoEntry a = rr.lookup("/live/vmlinuz").orElseThrow();
            IsoEntry b = j.lookup("/live/vmlinuz").orElseThrow();
            IsoEntry c = plain.lookup("/LIVE/VMLINUZ").orElseThrow();
            assertEquals(a.extents(), b.extents());
            assertEquals(a.extents(), c.extents());
            assertEquals(rr.primary().volumeId(), j.primary().volumeId());
            assertEquals(rr.uuid(), plain.uuid());
            // Joliet has no symbolic links; everything else is in both trees
            assertEquals(rr.walk().stream().filter(e -> !e.isSymlink()).count(), j.walk().size());
        }
    }

    @Test
    void pathTableMatchesDirectories() throws Exception {
        Path iso = iso("pt.iso", "-R");
        try (IsoImage img = IsoImage.open(iso, Namespace.ISO9660)) {
            List<PathTableEntry> pt = img.pathTable();
            long dirs = img.walk().stream().filter(IsoEntry::isDirectory).count();
            assertEquals(dirs, pt.size());
            Set<Long> blocks = img.walk().stream().filter(IsoEntry::isDirectory).map(IsoEntry::firstBlock).collect(Collectors.toSet());
            assertEquals(blocks, pt.stream().map(PathTableEntry::extentLocation).collect(Collectors.toSet()));
        }
    }

    @Test
    void deepDirectoriesRelocatedByRockRidgeAreRestored() throws Exception {
        Path iso = tmp.resolve("reloc.iso");
        IsoFixtures.xorriso("-compliance", "deep_paths_off", "-outdev", iso.toString(), "-map", src.toString(), "/", "-commit");
        assertRockRidgeTree(iso, src);
        try (IsoImage rr = IsoImage.open(iso); IsoImage plain = IsoImage.open(iso, Namespace.ISO9660)) {
            String deepPath = "/deep/level1/level2/level3/level4/level5/level6/level7/level8/level9/level10/level11/level12/bottom.txt";
            IsoEntry deep = rr.lookup(deepPath).orElseThrow();
            try (InputStream in = rr.open(deep)) {
                assertEquals("bottom of the tree\n", new String(in.readAllBytes()));
            }
            // the plain ISO 9660 view shows the relocation: the deep directory moved to the root
            // (root = depth 1, so /deep/level1/.../level7 is the 9th level and gets moved)
            IsoEntry placeholder = plain.lookup("/DEEP/LEVEL1/LEVEL2/LEVEL3/LEVEL4/LEVEL5/LEVEL6/LEVEL7").orElseThrow();
            assertTrue(placeholder.isFile());
            assertEquals(0, placeholder.size());
            assertTrue(plain.lookup("/LEVEL7/LEVEL8").orElseThrow().isDirectory());
            assertTrue(rr.lookup("/level7").isEmpty(), "the RE-marked copy must be hidden");
            assertTrue(rr.lookup("/deep/level1/level2/level3/level4/level5/level6/level7").orElseThrow().isDirectory());
        }
    }

    @Test
    void volumeDescriptorAndUuidMatchBlkidAndXorriso() throws Exception {
        Path iso = iso("pvd.iso", "-R", "-J", "-V", "LIVE_TEST_VOL", "-publisher", "The Publisher", "-p", "The Preparer",
                "-A", "The Application", "-sysid", "LINUX", "-volset", "SETID",
                "--modification-date=2024062910240100");
        String pvdInfo = IsoFixtures.xorriso("-indev", iso.toString(), "-pvd_info").stdoutText();
        try (IsoImage img = IsoImage.open(iso)) {
            VolumeDescriptor p = img.primary();
            assertEquals("LIVE_TEST_VOL", img.volumeId());
            assertTrue(pvdInfo.contains("Volume Id    : " + p.volumeId()), pvdInfo);
            assertTrue(pvdInfo.contains("Publisher Id : " + p.publisherId()), pvdInfo);
            assertTrue(pvdInfo.contains("Preparer Id  : " + p.dataPreparerId()), pvdInfo);
            assertTrue(pvdInfo.contains("App Id       : " + p.applicationId()), pvdInfo);
            assertTrue(pvdInfo.contains("System Id    : " + p.systemId()), pvdInfo);
            assertTrue(pvdInfo.contains("Volume Set Id: " + p.volumeSetId()), pvdInfo);
            assertTrue(pvdInfo.contains("Creation Time: " + p.creation().digits()), pvdInfo);
            assertTrue(pvdInfo.contains("Modif. Time  : " + p.modification().digits()), pvdInfo);
            assertEquals("2024062910240100", p.modification().digits());
            assertEquals(java.time.Instant.parse("2024-06-29T10:24:01Z"), p.modification().instant());
            assertTrue(p.expiration().isUnset());
            assertEquals(2048, p.logicalBlockSize());
            assertEquals(Files.size(iso), p.volumeSpaceBytes());
            assertEquals("2024-06-29-10-24-01-00", img.uuid());
            String blkid = IsoFixtures.run(org.liveng.platform.exec.Command.of("blkid", "-p", "-o", "value", "-s", "UUID",
                    iso.toString()).fromPackage("util-linux")).stdoutText().strip();
            assertEquals(blkid, img.uuid());
            String isoinfoD = IsoFixtures.isoinfo("-d", "-i", iso.toString());
            assertTrue(isoinfoD.contains("Volume id: LIVE_TEST_VOL"), isoinfoD);
            assertTrue(isoinfoD.contains("Logical block size is: 2048"), isoinfoD);
            VolumeDescriptor j = img.joliet().orElseThrow();
            assertEquals(3, j.jolietLevel());
            assertEquals("LIVE_TEST_VOL", j.volumeId());
        }
    }

    @Test
    void elToritoBiosAndEfiEntriesMatchXorriso() throws Exception {
        Path boot = tmp.resolve("boottree");
        java.util.Random rnd = new java.util.Random(7);
        IsoFixtures.write(boot.resolve("isolinux/isolinux.bin"), IsoFixtures.content(rnd, 4096), "rw-r--r--");
        IsoFixtures.write(boot.resolve("boot/grub/efi.img"), IsoFixtures.content(rnd, 1_474_560), "rw-r--r--");
        IsoFixtures.write(boot.resolve("live/vmlinuz"), IsoFixtures.content(rnd, 3000), "rw-r--r--");
        Path iso = IsoFixtures.mkisofs(tmp.resolve("boot.iso"), boot, "-R", "-J", "-V", "BOOTVOL",
                "-b", "isolinux/isolinux.bin", "-c", "isolinux/boot.cat", "-no-emul-boot", "-boot-load-size", "4",
                "-boot-info-table", "-eltorito-alt-boot", "-e", "boot/grub/efi.img", "-no-emul-boot");
        String report = IsoFixtures.xorriso("-indev", iso.toString(), "-report_el_torito", "plain").stdoutText();
        try (IsoImage img = IsoImage.open(iso)) {
            assertTrue(img.bootRecord().orElseThrow().isElTorito());
            List<BootCatalogEntry> cat = img.bootCatalog();
            assertEquals(2, cat.size(), cat.toString());
            BootCatalogEntry bios = cat.get(0);
            BootCatalogEntry efi = cat.get(1);
            assertTrue(bios.isBios() && bios.bootable());
            assertEquals(BootCatalogEntry.Emulation.NO_EMULATION, bios.emulation());
            assertEquals(4, bios.sectorCount());
            assertEquals("/isolinux/isolinux.bin", bios.file().orElseThrow());
            assertTrue(efi.isEfi() && efi.bootable());
            assertEquals("/boot/grub/efi.img", efi.file().orElseThrow());
            assertTrue(report.matches("(?s).*El Torito boot img :\\s+1\\s+BIOS\\s+y\\s+none\\s+0x0000\\s+0x00\\s+4\\s+"
                    + bios.loadRba() + "\\b.*"), report);
            assertTrue(report.matches("(?s).*El Torito boot img :\\s+2\\s+UEFI\\s+y\\s+none\\s+0x0000\\s+0x00\\s+"
                    + efi.sectorCount() + "\\s+" + efi.loadRba() + "\\b.*"), report);
            assertTrue(report.contains("El Torito img path :   1  " + bios.path()), report);
            assertTrue(report.contains("El Torito img path :   2  " + efi.path()), report);
            assertEquals(img.lookup("/boot/grub/efi.img").orElseThrow().firstBlock(), efi.loadRba());
            // boot-info-table patched isolinux.bin in the image: content differs from the source, size not
            assertEquals(4096, img.lookup("/isolinux/isolinux.bin").orElseThrow().size());
        }
    }

    @Test
    void mediumAdapter() throws Exception {
        Path iso = iso("medium.iso", "-R", "-J", "-V", "MEDIUM");
        try (IsoMedium m = IsoMedium.open(iso)) {
            assertEquals("MEDIUM", m.volumeId());
            assertEquals(Files.size(iso), m.size());
            assertFalse(m.uuid().isEmpty());
            var vmlinuz = m.stat("/live/vmlinuz").orElseThrow();
            assertTrue(vmlinuz.isFile());
            assertEquals(5000, vmlinuz.size());
            assertEquals(0644, vmlinuz.mode());
            assertEquals(0600, m.stat("/live/initrd.img").orElseThrow().mode());
            assertArrayEquals(Files.readAllBytes(src.resolve("live/vmlinuz")), m.readAll("/live/vmlinuz", 10_000));
            // open follows symbolic links, stat does not
            var link = m.stat("/links/relative").orElseThrow();
            assertEquals(org.liveng.api.medium.MediumEntry.Type.SYMLINK, link.type());
            assertEquals("../live/vmlinuz", link.linkTarget());
            assertArrayEquals(Files.readAllBytes(src.resolve("live/vmlinuz")), m.readAll("/links/relative", 10_000));
            assertArrayEquals(Files.readAllBytes(src.resolve("live/vmlinuz")), m.readAll("/links/dotdot", 10_000));
            assertArrayEquals(Files.readAllBytes(src.resolve("live/initrd.img")), m.readAll("/links/absolute", 10_000));
            try (InputStream in = m.open("/links/dir-link/vmlinuz")) {
                assertArrayEquals(Files.readAllBytes(src.resolve("live/vmlinuz")), in.readAllBytes());
            }
            assertTrue(m.stat("/links/dir-link/vmlinuz").isEmpty(), "stat does not follow links");
            List<String> names = m.list("/live").stream().map(org.liveng.api.medium.MediumEntry::name).toList();
            assertEquals(List.of("initrd.img", "vmlinuz"), names);
            assertEquals(300, m.list("/many").size());
            assertTrue(m.stat("/nope").isEmpty());
            assertThrows(org.liveng.api.LivengException.class, () -> m.open("/live"));
            assertThrows(org.liveng.api.LivengException.class, () -> m.list("/live/vmlinuz"));
            assertThrows(org.liveng.api.LivengException.class, () -> m.readAll("/live/vmlinuz", 10));
            assertNotNull(m.stat("/").orElseThrow());
        }
    }
}
