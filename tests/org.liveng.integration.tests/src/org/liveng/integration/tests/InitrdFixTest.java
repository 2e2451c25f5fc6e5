package org.liveng.integration.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.distro.DistroInfo;
import org.liveng.api.distro.DistroInspector;
import org.liveng.api.distro.InitrdInfo;
import org.liveng.api.distro.KernelInfo;
import org.liveng.api.initrd.AugmentedInitrd;
import org.liveng.api.initrd.InitrdAugmenter;
import org.liveng.api.initrd.InitrdRequest;
import org.liveng.api.medium.Medium;
import org.liveng.api.plan.ForgeRequest;
import org.liveng.api.plan.ForgeResult;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.Progress;
import org.liveng.api.recipe.Recipe;
import org.liveng.format.initrd.Initramfs;
import org.liveng.format.iso9660.IsoMedium;
import org.liveng.format.initrd.Segment;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * initrd.add-cryptsetup on the live ISO whose initrd lacks cryptsetup (tests/fixtures/live-iso-nocrypt):
 * the inspector says it cannot unlock LUKS, forge refuses encrypted persistence before writing anything,
 * and with the fix slot A's initrd is the ISO's initrd plus one archive whose cryptsetup runs on the
 * initrd's own libraries (chroot), whose module index kmod resolves for dm-crypt, and which our
 * inspector finds ready. Judges: xorriso, unmkinitramfs, gzip, cpio, chroot, modprobe, debugfs.
 */
@ExtendWith(ServiceExtension.class)
class InitrdFixTest {
    static final Recipe RECIPE = new Recipe(Map.of("reproducible.seed", "initrd-fix-test", "reproducible.source-date-epoch", "1704067200",
            "persistence.size", "128M", "persistence.encryption", "none"));
    static Path variant;

    @InjectService(timeout = 5000)
    DistroInspector inspector;

    @InjectService(timeout = 5000)
    ImageForge forge;

    @BeforeAll
    static void fixture() throws LivengException {
        variant = org.liveng.testing.Oracles.liveIsoWithoutCryptsetup();
    }

    @InjectService(timeout = 5000, filter = "(liveng.id=debian-live)")
    InitrdAugmenter augmenter;

    /**
     * The apt source (the release's packages downloaded with a private apt state), forced by an inspection without a root
     * filesystem, gives the same bytes as the ISO's squashfs: the fixture was built from those packages.
     */
    @Test
    void theAptSourceGivesTheFilesTheSquashfsHolds(@TempDir Path dir) throws Exception {
        try (Medium iso = IsoMedium.open(variant)) {
            DistroInfo i = inspector.inspect(variant, null);
            DistroInfo withoutSquashfs = new DistroInfo(i.provider(), i.family(), i.name(), i.release(), i.version(), i.architecture(),
                    i.volumeId(), i.volumeUuid(), i.size(), null, 0, i.kernels(), i.boot(), i.checksumFiles(), i.warnings());
            AugmentedInitrd fromSquashfs = augmenter.addCryptsetup(new InitrdRequest(iso, i, i.defaultKernel(),
                    Files.createDirectory(dir.resolve("squashfs")), 1704067200L));
            AugmentedInitrd fromApt = augmenter.addCryptsetup(new InitrdRequest(iso, withoutSquashfs, withoutSquashfs.defaultKernel(),
                    Files.createDirectory(dir.resolve("apt")), 1704067200L));
            assertTrue(fromApt.packages().stream().allMatch(p -> p.source().equals("apt " + i.release())), fromApt.packages().toString());
            assertTrue(fromSquashfs.packages().stream().allMatch(p -> p.source().startsWith("squashfs ")), fromSquashfs.packages().toString());
            assertEquals(fromSquashfs.files(), fromApt.files(), "same paths, sizes, hashes and packages");
            assertEquals(fromSquashfs.packages().stream().map(p -> p.name() + "=" + p.version()).toList(),
                    fromApt.packages().stream().map(p -> p.name() + "=" + p.version()).toList());
            assertTrue(fromApt.info().encryptionReady(), fromApt.info().toString());
            assertEquals(fromSquashfs.sha256(), fromApt.sha256(), "the same augmented initrd, byte for byte");
        }
    }

    @Test
    void theInspectorSaysTheStrippedInitrdCannotUnlockLuks() throws Exception {
        InitrdInfo ok = inspector.inspect(Fixtures.liveIso(), null).defaultKernel().initrd();
        assertTrue(ok.encryptionReady(), "the original fixture can: " + ok);
        var info = inspector.inspect(variant, null);
        InitrdInfo i = info.defaultKernel().initrd();
        assertTrue(i.liveBoot(), i.toString());
        assertFalse(i.cryptsetup(), i.toString());
        assertFalse(i.dmCrypt(), i.toString());
        assertFalse(i.encryptionReady(), i.toString());
        assertTrue(info.warnings().stream().anyMatch(w -> w.contains("cannot unlock encrypted persistence")), info.warnings().toString());
    }

    @Test
    void encryptedPersistenceWithoutTheFixIsRefusedBeforeAnythingIsWritten(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("stick.img");
        Recipe luks = RECIPE.with("persistence.encryption", "luks2");
        for (boolean dryRun : List.of(true, false)) {
            LivengException e = assertThrows(LivengException.class, () -> {
                if (dryRun) {
                    forge.plan(ForgeRequest.of(variant, img, luks));
                } else {
                    forge.forge(ForgeRequest.of(variant, img, luks), Progress.NONE);
                }
            });
            assertEquals(ErrorCodes.PREFLIGHT, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("cryptsetup missing") && e.getMessage().contains("dm-crypt missing"), e.getMessage());
            assertTrue(e.getMessage().contains("WITHOUT persistence"), "the message says why: " + e.getMessage());
            assertTrue(e.getMessage().contains("initrd.add-cryptsetup=true"), "the message names the setting: " + e.getMessage());
            assertFalse(Files.exists(img), "nothing written");
            assertFalse(Files.exists(dir.resolve("stick.img.manifest.json")), "no manifest");
        }
    }

    @Test
    void theFixPutsCryptsetupIntoSlotAAndLeavesTheIsoAlone(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("stick.img");
        ForgeResult r = forge.forge(ForgeRequest.of(variant, img, RECIPE.with("initrd.add-cryptsetup", "true")), Progress.NONE);
        KernelInfo kernel = inspector.inspect(variant, null).defaultKernel();
        String krel = kernel.version();

        // LIVENG_SYSTEM still holds the variant ISO byte for byte
        var system = ForgeTest.part(r.plan(), "LIVENG_SYSTEM");
        assertEquals(ForgeTest.sha256(variant, 0, Files.size(variant)), ForgeTest.sha256(img, system.firstLba() * 512, Files.size(variant)));

        Path slot = ForgeTest.extract(img, ForgeTest.part(r.plan(), "LIVENG_KERNEL_A"), dir.resolve("slot-a.iso"));
        Path slotInitrd = dir.resolve("slot-initrd.img");
        Path isoInitrd = dir.resolve("iso-initrd.img");
        Fixtures.run("xorriso", "-osirrox", "on", "-indev", slot.toString(), "-extract", "/live/initrd.img", slotInitrd.toString());
        Fixtures.run("xorriso", "-osirrox", "on", "-indev", variant.toString(), "-extract", kernel.initrdPath(), isoInitrd.toString());
        byte[] original = Files.readAllBytes(isoInitrd);
        byte[] augmented = Files.readAllBytes(slotInitrd);
        assertArrayEquals(original, Arrays.copyOf(augmented, original.length), "the ISO's initrd is the unchanged start of slot A's");

        // our reader: one more segment holding cryptsetup, its library, askpass and dm-crypt for the ISO's kernel
        Initramfs ramfs = Initramfs.read(slotInitrd);
        Initramfs before = Initramfs.read(isoInitrd);
        assertEquals(before.segments().size() + 1, ramfs.segments().size(), ramfs.toString());
        Segment added = ramfs.segments().get(ramfs.segments().size() - 1);
        assertTrue(added.offset() >= original.length, "the new archive follows the original: " + added);
        String mods = "usr/lib/modules/" + krel + "/";
        for (String p : List.of("usr/sbin/cryptsetup", "usr/lib/x86_64-linux-gnu/libcryptsetup.so.12", "usr/lib/cryptsetup/askpass",
                mods + "kernel/drivers/md/dm-crypt.ko", mods + "modules.dep")) {
            assertTrue(ramfs.find(p).filter(e -> e.segment() == added.index()).isPresent(), p + " in the appended archive");
        }

        // real tools unpack it the kernel's way: the original archives, then the appended one over them
        Path unpacked = dir.resolve("root");
        Fixtures.run("unmkinitramfs", isoInitrd.toString(), unpacked.toString());
        Path root = Files.isDirectory(unpacked.resolve("main")) ? unpacked.resolve("main") : unpacked;
        Path tail = dir.resolve("appended.cpio.gz");
        Files.write(tail, Arrays.copyOfRange(augmented, (int) added.offset(), augmented.length));
        Fixtures.run("gzip", "-d", tail.toString());
        Fixtures.RUNNER.run(org.liveng.platform.exec.Command.of("cpio", "-idmu", "--quiet", "-F", dir.resolve("appended.cpio").toString())
                .directory(root));
        // cryptsetup runs on the initrd's own libraries: every DT_NEEDED was resolved
        assertTrue(Fixtures.run("chroot", root.toString(), "/usr/sbin/cryptsetup", "--version").startsWith("cryptsetup 2."));
        assertTrue(Files.isExecutable(root.resolve("lib/cryptsetup/askpass")), "live-boot's /lib/cryptsetup/askpass");
        // kmod resolves dm-crypt and XTS from the regenerated index, for this kernel
        String dm = Fixtures.run("chroot", root.toString(), "/sbin/modprobe", "-n", "-S", krel, "--show-depends", "dm-crypt");
        assertTrue(dm.contains("/lib/modules/" + krel + "/kernel/drivers/md/dm-mod.ko") && dm.contains("kernel/drivers/md/dm-crypt.ko"), dm);
        String xts = Fixtures.run("chroot", root.toString(), "/sbin/modprobe", "-n", "-S", krel, "--show-depends", "xts");
        assertTrue(xts.contains("kernel/crypto/xts.ko"), xts);

        // our inspector on an ISO carrying the augmented initrd: ready
        Path fixedIso = dir.resolve("fixed.iso");
        Fixtures.run("xorriso", "-indev", variant.toString(), "-outdev", fixedIso.toString(), "-boot_image", "any", "replay",
                "-update", slotInitrd.toString(), kernel.initrdPath(), "-update", slotInitrd.toString(), "/live/initrd.img");
        InitrdInfo fixed = inspector.inspect(fixedIso, null).defaultKernel().initrd();
        assertTrue(fixed.encryptionReady() && fixed.cryptsetup() && fixed.dmCrypt(), fixed.toString());
        assertEquals(krel, fixed.kernelModulesVersion());

        // the manifest accounts for every added file and package
        JsonObject m = JsonParser.parseString(Files.readString(r.manifest())).getAsJsonObject().getAsJsonObject("initrd");
        assertEquals(sha256(augmented), m.get("sha256").getAsString());
        JsonArray pkgs = m.getAsJsonArray("packages");
        assertTrue(pkgs.toString().contains("\"name\":\"cryptsetup-bin\"") && pkgs.toString().contains("linux-image-" + krel), pkgs.toString());
        for (var f : m.getAsJsonArray("files")) {
            JsonObject o = f.getAsJsonObject();
            byte[] content = Files.readAllBytes(root.resolve(o.get("path").getAsString()));
            assertEquals(o.get("sha256").getAsString(), sha256(content), o.toString());
        }

        // the persistent overlay keeps CRYPTSETUP=y for initrds rebuilt on the device
        Path pers = ForgeTest.extract(img, ForgeTest.part(r.plan(), "persistence"), dir.resolve("persistence.ext4"));
        String hook = Fixtures.run("debugfs", "-R", "cat /rw/etc/cryptsetup-initramfs/conf-hook", pers.toString());
        assertTrue(hook.lines().anyMatch(l -> l.equals("CRYPTSETUP=y")), hook);
        Fixtures.run("e2fsck", "-fn", pers.toString());
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
