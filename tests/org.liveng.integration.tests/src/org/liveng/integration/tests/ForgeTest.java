package org.liveng.integration.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.plan.ForgeRequest;
import org.liveng.api.plan.ForgeResult;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.ImagePlan;
import org.liveng.api.plan.PartitionPlan;
import org.liveng.api.plan.Progress;
import org.liveng.api.recipe.Recipe;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * forge on the genuine Debian live ISO, judged by tools nobody here wrote:
 * sgdisk, fsck.fat, mtools, xorriso, blkid, e2fsck, sbverify.
 */
@ExtendWith(ServiceExtension.class)
class ForgeTest {
    static final Recipe RECIPE = new Recipe(Map.of("reproducible.seed", "forge-test", "reproducible.source-date-epoch", "1704067200",
            "persistence.size", "256M", "persistence.encryption", "none"));
    static Path iso;

    @InjectService(timeout = 5000)
    ImageForge forge;

    @BeforeAll
    static void fixture() throws LivengException {
        iso = Fixtures.liveIso();
    }

    static PartitionPlan part(ImagePlan plan, String name) {
        return plan.partitions().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    static Path extract(Path img, PartitionPlan p, Path out) throws LivengException {
        Fixtures.run("dd", "if=" + img, "of=" + out, "bs=512", "skip=" + p.firstLba(), "count=" + (p.lastLba() - p.firstLba() + 1),
                "conv=sparse", "status=none");
        return out;
    }

    @Test
    void theForgedImagePassesEveryOracle(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("stick.img");
        // the ISO checked against a SHA256SUMS file written by coreutils, as the distro publishes it
        Path sums = Files.writeString(dir.resolve("SHA256SUMS"), "0".repeat(64) + "  other.iso\n" + Fixtures.run("sha256sum", iso.toString()));
        ForgeResult r = forge.forge(ForgeRequest.of(iso, img, RECIPE).checkedAgainst(sums), Progress.NONE);
        ImagePlan plan = r.plan();
        assertEquals(List.of("LIVENG_SYSTEM", "LIVENG_KERNEL_A", "LIVENG_KERNEL_B", "LIVENG_EFI", "BIOS boot", "persistence"),
                plan.partitions().stream().map(PartitionPlan::name).toList());

        // GPT: sgdisk finds no problem; names, types and attributes as planned
        String verify = Fixtures.run("sgdisk", "-v", img.toString());
        assertTrue(verify.contains("No problems found"), verify);
        String info = Fixtures.run("sgdisk", "-i", "1", img.toString());
        assertTrue(info.contains("Partition name: 'LIVENG_SYSTEM'"), info);
        assertTrue(info.contains("Attribute flags: 0000000000000003"), "required + no block IO protocol: " + info);
        assertTrue(Fixtures.run("sgdisk", "-i", "4", img.toString()).contains("C12A7328-F81F-11D2-BA4B-00A0C93EC93B"));

        // LIVENG_SYSTEM: the ISO byte for byte
        PartitionPlan system = part(plan, "LIVENG_SYSTEM");
        assertEquals(sha256(iso, 0, Files.size(iso)), sha256(img, system.firstLba() * 512, Files.size(iso)));

        // kernel slot A: an ISO 9660 filesystem with the planned UUID and the ISO's kernel and initrd
        PartitionPlan a = part(plan, "LIVENG_KERNEL_A");
        Path slot = extract(img, a, dir.resolve("slot-a.iso"));
        assertEquals(a.filesystemUuid(), Fixtures.run("blkid", "-p", "-o", "value", "-s", "UUID", slot.toString()).strip());
        assertEquals("LIVENG_KERNEL_A", Fixtures.run("blkid", "-p", "-o", "value", "-s", "LABEL", slot.toString()).strip());
        Path out = Files.createDirectory(dir.resolve("slot-a"));
        Fixtures.run("xorriso", "-osirrox", "on", "-indev", slot.toString(), "-extract", "/", out.toString());
        Path kernelOnIso = dir.resolve("vmlinuz-from-iso");
        Fixtures.run("xorriso", "-osirrox", "on", "-indev", iso.toString(), "-extract", "/live/vmlinuz-6.1.0-50-cloud-amd64",
                kernelOnIso.toString());
        assertArrayEquals(Files.readAllBytes(kernelOnIso), Files.readAllBytes(out.resolve("live/vmlinuz")));
        assertTrue(Files.readString(out.resolve("liveng/slot.json")).contains("\"generation\": 1"));

        // ESP: a clean FAT with the signed chain and the boot menu
        PartitionPlan esp = part(plan, "LIVENG_EFI");
        Path espImg = extract(img, esp, dir.resolve("esp.img"));
        String fsck = Fixtures.run("fsck.fat", "-n", espImg.toString());
        assertFalse(fsck.contains("Dirty") || fsck.contains("differ") || fsck.contains("Wrong"), fsck);
        assertEquals(esp.filesystemUuid(), Fixtures.run("blkid", "-p", "-o", "value", "-s", "UUID", espImg.toString()).strip());
        Path shim = dir.resolve("BOOTX64.EFI");
        Path grub = dir.resolve("grubx64.efi");
        Fixtures.run("mcopy", "-i", espImg.toString(), "::/EFI/BOOT/BOOTX64.EFI", shim.toString());
        Fixtures.run("mcopy", "-i", espImg.toString(), "::/EFI/BOOT/grubx64.efi", grub.toString());
        assertTrue(Fixtures.RUNNER.runAllowingFailure(org.liveng.platform.exec.Command.of("sbverify", "--list", shim.toString()))
                .stdoutText().contains("Microsoft Corporation UEFI CA"), "shim is Microsoft-signed");
        assertTrue(Fixtures.RUNNER.runAllowingFailure(org.liveng.platform.exec.Command.of("sbverify", "--list", grub.toString()))
                .stdoutText().contains("Debian Secure Boot Signer"), "GRUB is Debian-signed");
        Path cfg = dir.resolve("grub.cfg");
        Fixtures.run("mcopy", "-i", espImg.toString(), "::/boot/grub/grub.cfg", cfg.toString());
        Fixtures.run("grub-script-check", cfg.toString());
        String menu = Files.readString(cfg);
        assertTrue(menu.contains("search --no-floppy --fs-uuid --set=root " + a.filesystemUuid()), menu);
        assertTrue(menu.contains("liveng-fallback") && menu.contains("live-media=/dev/disk/by-partuuid/" + system.uuid().toLowerCase()), menu);
        assertSlotArgs(menu, "a", "b");
        Path env = dir.resolve("grubenv");
        Fixtures.run("mcopy", "-i", espImg.toString(), "::/liveng/grubenv", env.toString());
        assertTrue(Fixtures.run("grub-editenv", env.toString(), "list").contains("liveng_a_status=good"));

        // persistence: a clean ext4 labelled persistence with persistence.conf
        Path pers = extract(img, part(plan, "persistence"), dir.resolve("persistence.ext4"));
        Fixtures.run("e2fsck", "-fn", pers.toString());
        assertEquals("persistence", Fixtures.run("blkid", "-p", "-o", "value", "-s", "LABEL", pers.toString()).strip());
        assertEquals("/ union\n", Fixtures.run("debugfs", "-R", "cat /persistence.conf", pers.toString()));

        // the manifest records what was built from what
        String manifest = Files.readString(r.manifest());
        assertTrue(manifest.contains(sha256(iso, 0, Files.size(iso))), "the ISO's SHA-256 is in the manifest");
        assertTrue(manifest.contains("SHA256SUMS"), "the manifest says what the ISO was checked against");
        assertEquals(plan.partitions().size(), r.digests().size());
    }

    /** Each slot's kernel line names its slot ({@code liveng.slot=ID}); the fallback line names none. */
    static void assertSlotArgs(String menu, String... slotIds) {
        List<String> linux = menu.lines().map(String::strip).filter(l -> l.startsWith("linux ")).toList();
        for (String id : slotIds) {
            assertTrue(linux.stream().anyMatch(l -> l.endsWith(" liveng.slot=" + id) && !l.contains("liveng-fallback")), id + ": " + linux);
        }
        assertTrue(linux.stream().filter(l -> l.contains("liveng-fallback")).noneMatch(l -> l.contains("liveng.slot")), linux.toString());
        assertTrue(linux.stream().allMatch(l -> l.contains("liveng-fallback") || l.contains("liveng.slot=")), linux.toString());
    }

    @Test
    void sameInputsSeedAndEpochGiveBitIdenticalImages(@TempDir Path dir) throws Exception {
        Path one = dir.resolve("one.img");
        Path two = dir.resolve("two.img");
        forge.forge(ForgeRequest.of(iso, one, RECIPE), Progress.NONE);
        forge.forge(ForgeRequest.of(iso, two, RECIPE), Progress.NONE);
        assertEquals(sha256(one, 0, Files.size(one)), sha256(two, 0, Files.size(two)));
    }

    @Test
    void dryRunWritesNothingAndShowsThePlan(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("never.img");
        ImagePlan plan = forge.plan(ForgeRequest.of(iso, img, RECIPE));
        assertFalse(Files.exists(img));
        assertEquals(6, plan.partitions().size());
        assertTrue(plan.notes().stream().anyMatch(n -> n.contains("kernel arguments: ") && n.contains("persistence")), plan.notes().toString());
    }

    @Test
    void anExistingTargetFailAndStaysUntouched(@TempDir Path dir) throws Exception {
        Path img = Files.writeString(dir.resolve("precious.img"), "do not overwrite");
        LivengException e = assertThrows(LivengException.class, () -> forge.forge(ForgeRequest.of(iso, img, RECIPE), Progress.NONE));
        assertEquals(ErrorCodes.PREFLIGHT, e.code());
        assertEquals("do not overwrite", Files.readString(img));
    }

    @Test
    void aTooSmallImageFailBeforeWritingAndSaysHowMuchIsNeeded(@TempDir Path dir) {
        Path img = dir.resolve("small.img");
        LivengException e = assertThrows(LivengException.class,
                () -> forge.forge(ForgeRequest.of(iso, img, RECIPE.with("image.size", "300M")), Progress.NONE));
        assertEquals(ErrorCodes.PREFLIGHT, e.code());
        assertTrue(e.getMessage().contains("needs at least"), e.getMessage());
        assertFalse(Files.exists(img));
    }

    @Test
    void notALiveIsoFailAndLeavesNoImage(@TempDir Path dir) throws Exception {
        Path junk = Files.write(dir.resolve("junk.iso"), new byte[1 << 20]);
        Path img = dir.resolve("out.img");
        LivengException e = assertThrows(LivengException.class, () -> forge.forge(ForgeRequest.of(junk, img, RECIPE), Progress.NONE));
        assertEquals(ErrorCodes.FORMAT, e.code());
        assertFalse(Files.exists(img));
    }

    @Test
    void remasterWritesItsOwnSystemIsoWithoutBootEquipment(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("remaster.img");
        ForgeResult r = forge.forge(ForgeRequest.of(iso, img, RECIPE.with("system.mode", "remaster")), Progress.NONE);
        PartitionPlan system = part(r.plan(), "LIVENG_SYSTEM");
        Path sys = extract(img, system, dir.resolve("system.iso"));
        String tree = Fixtures.run("xorriso", "-indev", sys.toString(), "-find", "/", "-exec", "lsdl");
        assertTrue(tree.contains("'/live/vmlinuz'") && tree.contains("'/live/initrd.img'") && tree.contains("'/live/filesystem.squashfs'"), tree);
        for (String gone : List.of("'/isolinux", "'/EFI", "'/boot/", "'/md5sum.txt'", "vmlinuz-", "initrd.img-")) {
            assertFalse(tree.contains(gone), gone + " should be gone: " + tree);
        }
        assertEquals(system.filesystemUuid(), Fixtures.run("blkid", "-p", "-o", "value", "-s", "UUID", sys.toString()).strip());
        assertEquals("LIVENG_SYSTEM", Fixtures.run("blkid", "-p", "-o", "value", "-s", "LABEL", sys.toString()).strip());
        // the big file and the renamed kernel are the upstream bytes
        for (String[] pair : new String[][] { { "/live/filesystem.squashfs", "/live/filesystem.squashfs" },
                { "/live/vmlinuz-6.1.0-50-cloud-amd64", "/live/vmlinuz" } }) {
            Path a = dir.resolve("a"), b = dir.resolve("b");
            Fixtures.run("xorriso", "-osirrox", "on", "-indev", iso.toString(), "-extract", pair[0], a.toString());
            Fixtures.run("xorriso", "-osirrox", "on", "-indev", sys.toString(), "-extract", pair[1], b.toString());
            assertEquals(sha256(a, 0, Files.size(a)), sha256(b, 0, Files.size(b)), pair[1]);
            Files.delete(a);
            Files.delete(b);
        }
        // the fallback entry boots the renamed kernel from the remastered system
        Path esp = extract(img, part(r.plan(), "LIVENG_EFI"), dir.resolve("esp.img"));
        String cfg = Fixtures.run("mtype", "-i", esp.toString(), "::/boot/grub/grub.cfg");
        assertTrue(cfg.contains(system.filesystemUuid()), cfg);
        assertTrue(cfg.contains("/live/vmlinuz ") || cfg.contains("/live/vmlinuz\n"), cfg);
        assertFalse(cfg.contains("vmlinuz-6.1"), cfg);
    }

    @Test
    void anIsoThatDiffersFromItsSha256SumsFailsAndLeavesNoImage(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("out.img");
        Path wrong = Files.writeString(dir.resolve("SHA256SUMS"), "ab".repeat(32) + " *" + iso.getFileName() + "\n");
        LivengException e = assertThrows(LivengException.class,
                () -> forge.forge(ForgeRequest.of(iso, img, RECIPE).checkedAgainst(wrong), Progress.NONE));
        assertEquals(ErrorCodes.FORMAT, e.code());
        assertTrue(e.getMessage().contains("lists " + "ab".repeat(32)), e.getMessage());
        assertFalse(Files.exists(img));

        Path unlisted = Files.writeString(dir.resolve("OTHERSUMS"), "ab".repeat(32) + "  debian-live-12.8.0-amd64-gnome.iso\n");
        e = assertThrows(LivengException.class, () -> forge.plan(ForgeRequest.of(iso, img, RECIPE).checkedAgainst(unlisted)));
        assertTrue(e.getMessage().contains("does not list " + iso.getFileName()), e.getMessage());
        Path garbage = Files.writeString(dir.resolve("GARBAGE"), "not a sums file\n");
        e = assertThrows(LivengException.class, () -> forge.plan(ForgeRequest.of(iso, img, RECIPE).checkedAgainst(garbage)));
        assertTrue(e.getMessage().contains("GARBAGE line 1 is not"), e.getMessage());
    }

    static String sha256(Path file, long offset, long length) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(offset);
            byte[] buf = new byte[1 << 20];
            long left = length;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IllegalStateException(file + " ended early");
                }
                md.update(buf, 0, n);
                left -= n;
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
