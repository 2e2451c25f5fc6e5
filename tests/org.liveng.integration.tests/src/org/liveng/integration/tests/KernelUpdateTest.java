package org.liveng.integration.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.distro.BaseDistro;
import org.liveng.api.kernel.KernelImage;
import org.liveng.api.kernel.KernelUpdates;
import org.liveng.api.kernel.UpdateResult;
import org.liveng.api.medium.Content;
import org.liveng.api.plan.ForgeRequest;
import org.liveng.api.plan.ForgeResult;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.ImagePlan;
import org.liveng.api.plan.PartitionPlan;
import org.liveng.api.plan.Progress;
import org.liveng.api.recipe.Recipe;
import org.liveng.core.internal.forge.KernelUpdateService;
import org.liveng.platform.exec.Command;
import org.liveng.shell.internal.KernelCommand;
import org.liveng.testing.Oracles;
import org.liveng.testing.UpdateKernel;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Host-side kernel updates ({@code liveng kernel update|status}) on forged images, with the fixture's newer Debian
 * kernel package, judged by xorriso, blkid, sgdisk, mtools, grub-editenv and fsck.fat.
 */
@ExtendWith(ServiceExtension.class)
class KernelUpdateTest {
    static Path iso;
    static Properties update;

    @InjectService(timeout = 5000)
    ImageForge forge;

    @InjectService(timeout = 5000)
    KernelCommand command;

    @InjectService(timeout = 5000)
    KernelUpdates updates;

    @InjectService(timeout = 5000, filter = "(liveng.id=debian-live)")
    BaseDistro debian;

    @BeforeAll
    static void fixture() throws Exception {
        iso = Fixtures.liveIso();
        update = Oracles.kernelUpdate();
    }

    static Recipe recipe(String strategy) {
        return new Recipe(Map.of("reproducible.seed", "kernel-update-test", "reproducible.source-date-epoch", "1704067200",
                "persistence.size", "64M", "persistence.encryption", "none", "kernel.strategy", strategy));
    }

    static Path extract(Path img, PartitionPlan p, Path out) throws LivengException {
        return ForgeTest.extract(img, p, out);
    }

    static String grubenv(Path img, ImagePlan plan, Path dir) throws LivengException {
        Path esp = extract(img, ForgeTest.part(plan, "LIVENG_EFI"), dir.resolve("esp-" + System.nanoTime() + ".img"));
        String fsck = Fixtures.run("fsck.fat", "-n", esp.toString());
        assertFalse(fsck.contains("Dirty") || fsck.contains("differ") || fsck.contains("Wrong"), fsck);
        Path env = dir.resolve("grubenv-" + System.nanoTime());
        Fixtures.run("mcopy", "-i", esp.toString(), "::/liveng/grubenv", env.toString());
        return Fixtures.run("grub-editenv", env.toString(), "list");
    }

    @Test
    void abSlotsUpdateWritesSlotBThenMakesItTheTrialDefault(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("stick.img");
        ForgeResult r = forge.forge(ForgeRequest.of(iso, img, recipe("ab-slots")), Progress.NONE);
        UpdateKernel k = Oracles.updateKernel(dir);
        String release = update.getProperty("kernel_release");

        String out = (String) command.update(false, k.kernel().toString(), k.initrd().toString(), "", false, img.toString());
        assertTrue(out.contains(release) && out.contains("LIVENG_KERNEL_B") && out.contains("generation 2"), out);

        PartitionPlan b = ForgeTest.part(r.plan(), "LIVENG_KERNEL_B");
        Path slot = extract(img, b, dir.resolve("slot-b.iso"));
        assertEquals(b.filesystemUuid(), Fixtures.run("blkid", "-p", "-o", "value", "-s", "UUID", slot.toString()).strip());
        Path files = Files.createDirectory(dir.resolve("slot-b"));
        Fixtures.run("xorriso", "-osirrox", "on", "-indev", slot.toString(), "-extract", "/", files.toString());
        assertArrayEquals(Files.readAllBytes(k.kernel()), Files.readAllBytes(files.resolve("live/vmlinuz")));
        assertArrayEquals(Files.readAllBytes(k.initrd()), Files.readAllBytes(files.resolve("live/initrd.img")));
        String manifest = Files.readString(files.resolve("liveng/slot.json"));
        assertTrue(manifest.contains("\"generation\": 2") && manifest.contains(release), manifest);

        String env = grubenv(img, r.plan(), dir);
        assertTrue(env.contains("liveng_order=b a") && env.contains("liveng_b_status=trial") && env.contains("liveng_b_tries=3")
                && env.contains("liveng_a_status=good"), env);

        String status = (String) command.status(true, img.toString());
        assertTrue(status.contains("\"strategy\": \"ab-slots\"") && status.contains(release) && status.contains("\"valid\": true"), status);

        // an older kernel is refused before anything is written
        byte[] before = Files.readAllBytes(extract(img, b, dir.resolve("slot-b-before.iso")));
        LivengException e = assertThrows(LivengException.class, () -> command.update(false, k.kernel().toString(), k.initrd().toString(),
                "6.1.0-1-cloud-amd64", false, img.toString()));
        assertEquals(ErrorCodes.PREFLIGHT, e.code());
        assertTrue(e.getMessage().contains("older"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(extract(img, b, dir.resolve("slot-b-after.iso"))));
        assertEquals(env, grubenv(img, r.plan(), dir));
    }

    @Test
    void secondPartitionForgesOneKernelPartitionAndRewritesItInPlace(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("stick.img");
        ForgeResult r = forge.forge(ForgeRequest.of(iso, img, recipe("second-partition")), Progress.NONE);
        assertEquals(List.of("LIVENG_SYSTEM", "LIVENG_KERNEL", "LIVENG_EFI", "BIOS boot", "persistence"),
                r.plan().partitions().stream().map(PartitionPlan::name).toList());
        String verify = Fixtures.run("sgdisk", "-v", img.toString());
        assertTrue(verify.contains("No problems found"), verify);
        assertTrue(Fixtures.run("sgdisk", "-i", "2", img.toString()).contains("Partition name: 'LIVENG_KERNEL'"));

        PartitionPlan kp = ForgeTest.part(r.plan(), "LIVENG_KERNEL");
        Path slot = extract(img, kp, dir.resolve("kernel.iso"));
        String uuid = Fixtures.run("blkid", "-p", "-o", "value", "-s", "UUID", slot.toString()).strip();
        assertEquals(kp.filesystemUuid(), uuid);

        Path esp = extract(img, ForgeTest.part(r.plan(), "LIVENG_EFI"), dir.resolve("esp.img"));
        Path cfg = dir.resolve("grub.cfg");
        Fixtures.run("mcopy", "-i", esp.toString(), "::/boot/grub/grub.cfg", cfg.toString());
        Fixtures.run("grub-script-check", cfg.toString());
        String menu = Files.readString(cfg);
        assertTrue(menu.contains("--fs-uuid --set=root " + uuid) && menu.contains("liveng-fallback"), menu);
        ForgeTest.assertSlotArgs(menu, "k");
        assertTrue(grubenv(img, r.plan(), dir).contains("liveng_k_status=good"));

        UpdateKernel k = Oracles.updateKernel(dir);
        String out = (String) command.update(false, k.kernel().toString(), k.initrd().toString(), "", false, img.toString());
        assertTrue(out.contains("LIVENG_KERNEL") && out.contains("generation 2"), out);
        Path after = extract(img, kp, dir.resolve("kernel-after.iso"));
        assertEquals(uuid, Fixtures.run("blkid", "-p", "-o", "value", "-s", "UUID", after.toString()).strip(), "the UUID is kept");
        Path files = Files.createDirectory(dir.resolve("kernel-after"));
        Fixtures.run("xorriso", "-osirrox", "on", "-indev", after.toString(), "-extract", "/", files.toString());
        assertArrayEquals(Files.readAllBytes(k.kernel()), Files.readAllBytes(files.resolve("live/vmlinuz")));
        assertTrue(grubenv(img, r.plan(), dir).contains("liveng_k_status=good"));
    }

    /**
     * The device path: a loop device over a forged image. (A mounted partition of it cannot be shown here: this machine
     * creates no partition devices for loop devices; the refusal rules are forge's, tested by DeviceForgeTest.)
     */
    @Test
    void updatesAStickDevice(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("forged.img");
        ForgeResult r = forge.forge(ForgeRequest.of(iso, img, recipe("ab-slots")), Progress.NONE);
        UpdateKernel k = Oracles.updateKernel(dir);
        KernelImage kernel = k.image();
        Path[] backing = new Path[1];
        try (LoopDevice loop = LoopDevice.create(dir, "stick", r.plan().sizeBytes() >> 20, false, file -> {
            Fixtures.run("cp", "--sparse=always", img.toString(), file.toString());
            backing[0] = file;
        })) {
            UpdateResult done = updates.update(loop.device, kernel, false);
            assertEquals("LIVENG_KERNEL_B", done.slot());
            assertTrue(((String) command.status(false, loop.device.toString())).contains("trial(3)"));
        }
        Path slot = extract(backing[0], ForgeTest.part(r.plan(), "LIVENG_KERNEL_B"), dir.resolve("slot-b.iso"));
        Path files = Files.createDirectory(dir.resolve("slot-b"));
        Fixtures.run("xorriso", "-osirrox", "on", "-indev", slot.toString(), "-extract", "/", files.toString());
        assertArrayEquals(Files.readAllBytes(k.kernel()), Files.readAllBytes(files.resolve("live/vmlinuz")));
        assertTrue(grubenv(backing[0], r.plan(), dir).contains("liveng_b_status=trial"));
    }

    @Test
    void blessReadsTheBootedSlotFromTheKernelCommandLine(@TempDir Path dir) throws Exception {
        KernelCommand onStick = new KernelCommand(updates, Fixtures.RUNNER, dir.resolve("cmdline"), dir);
        Files.writeString(dir.resolve("cmdline"), "BOOT_IMAGE=/live/vmlinuz boot=live components liveng-fallback\n");
        assertTrue(((String) onStick.bless()).contains("fallback entry"), "booted from fallback: nothing to bless");
        Files.writeString(dir.resolve("cmdline"), "BOOT_IMAGE=/boot/vmlinuz-6.1.0-13-amd64 root=/dev/sda1 ro quiet\n");
        assertTrue(((String) onStick.bless()).contains("no liveng.slot="), "not booted from a slot: nothing to bless");
        // this host does not run from a liveng stick: the slot is named, and the stick is looked for (by partition label) and not found
        Files.writeString(dir.resolve("cmdline"), "boot=live components liveng.slot=b\n");
        LivengException e = assertThrows(LivengException.class, onStick::bless);
        assertEquals(ErrorCodes.NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("no partition named LIVENG_SYSTEM"), e.getMessage());
    }

    @Test
    void installRefusesAKernelThatIsNotInstalled(@TempDir Path dir) throws Exception {
        KernelCommand onStick = new KernelCommand(updates, Fixtures.RUNNER, dir.resolve("cmdline"), dir);
        LivengException e = assertThrows(LivengException.class, () -> onStick.install(false, "6.1.0-99-cloud-amd64"));
        assertEquals(ErrorCodes.NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("vmlinuz-6.1.0-99-cloud-amd64 does not exist"), e.getMessage());
        assertEquals(ErrorCodes.USAGE, assertThrows(LivengException.class, () -> onStick.install(false, "../../etc/passwd")).code());
        assertEquals(ErrorCodes.NOT_FOUND, assertThrows(LivengException.class, () -> onStick.install(false)).code(), "no vmlinuz-* at all");
    }

    /** install takes the kernel package hook's initrd only when it was written after the kernel was unpacked (its ctime). */
    @Test
    void installTrustsOnlyAnInitrdBuiltAfterTheKernelWasInstalled(@TempDir Path dir) throws Exception {
        Path kernel = Files.writeString(dir.resolve("vmlinuz-6.1.0-56-cloud-amd64"), "kernel");
        // as dpkg unpacks it: the package's old mtime, the ctime of the unpacking
        Files.setLastModifiedTime(kernel, java.nio.file.attribute.FileTime.fromMillis(0));
        Path initrd = dir.resolve("initrd.img-6.1.0-56-cloud-amd64");
        assertFalse(KernelCommand.builtAfterInstall(initrd, kernel), "no initrd");
        Files.writeString(initrd, "initrd");
        assertTrue(KernelCommand.builtAfterInstall(initrd, kernel), "written after the kernel was unpacked");
        // left from an earlier installation: newer than the kernel's mtime, older than its unpacking
        Files.setLastModifiedTime(initrd, java.nio.file.attribute.FileTime.fromMillis(1000_000));
        assertFalse(KernelCommand.builtAfterInstall(initrd, kernel), "the kernel's ctime counts, not its mtime");
    }

    /**
     * kernel install refuses, for a stick with encrypted persistence, an initrd that the stick's base distro finds unable
     * to unlock it: the ISO's real initrd, unpacked by unmkinitramfs and packed again by cpio, passes; the same without
     * its dm-crypt module (cryptsetup still in) is refused, naming the initrd and dm-crypt.
     */
    @Test
    void anInitrdWithoutDmCryptIsRefusedForEncryptedPersistence(@TempDir Path dir) throws Exception {
        UpdateKernel k = Oracles.updateKernel(dir);
        KernelUpdateService.requireEncryptionReady(k.image(), debian);
        Path tree = dir.resolve("unpacked");
        Fixtures.run("unmkinitramfs", k.initrd().toString(), tree.toString());
        Path main = Files.isDirectory(tree.resolve("main")) ? tree.resolve("main") : tree;
        KernelUpdateService.requireEncryptionReady(new KernelImage(k.release(), Content.of(k.kernel()),
                Content.of(cpio(main, dir.resolve("repacked.img")))), debian);

        List<Path> dmCrypt;
        try (var files = Files.walk(main)) {
            dmCrypt = files.filter(f -> f.getFileName().toString().startsWith("dm-crypt.ko")).toList();
        }
        assertEquals(1, dmCrypt.size(), "the ISO's initrd holds the dm-crypt module: " + dmCrypt);
        assertTrue(Files.isRegularFile(main.resolve("usr/sbin/cryptsetup")), "and cryptsetup");
        Files.delete(dmCrypt.get(0));
        Path initrd = cpio(main, dir.resolve("no-dm-crypt.img"));
        LivengException e = assertThrows(LivengException.class, () -> KernelUpdateService.requireEncryptionReady(
                new KernelImage(k.release(), Content.of(k.kernel()), Content.of(initrd)), debian));
        assertEquals(ErrorCodes.PREFLIGHT, e.code());
        assertTrue(e.getMessage().contains("the initrd " + initrd + " for " + k.release()) && e.getMessage().contains(
                "(missing: dm-crypt/dm-mod kernel modules)") && e.getMessage().contains("WITHOUT its encrypted persistence"), e.getMessage());
    }

    /** The tree packed by cpio as a newc archive of root-owned files, uncompressed as initramfs-tools can make it. */
    static Path cpio(Path tree, Path out) throws LivengException {
        String files = Fixtures.RUNNER.run(Command.of("find", ".").directory(tree)).stdoutText();
        Fixtures.RUNNER.run(Command.of("cpio", "--quiet", "-o", "-H", "newc", "-R", "0:0", "-O", out.toString()).directory(tree)
                .stdin(files.getBytes(java.nio.charset.StandardCharsets.UTF_8)).fromPackage("cpio"));
        return out;
    }
}
