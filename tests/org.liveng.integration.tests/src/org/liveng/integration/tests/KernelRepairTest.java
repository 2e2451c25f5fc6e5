package org.liveng.integration.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.ProviderRegistry;
import org.liveng.api.boot.BootEntry;
import org.liveng.api.kernel.KernelImage;
import org.liveng.api.kernel.KernelUpdates;
import org.liveng.api.kernel.SlotInfo;
import org.liveng.api.kernel.StickStatus;
import org.liveng.api.medium.Content;
import org.liveng.api.plan.ForgeRequest;
import org.liveng.api.plan.ForgeResult;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.PartitionPlan;
import org.liveng.api.plan.Progress;
import org.liveng.boot.grub.internal.GrubBootResolver;
import org.liveng.core.internal.forge.KernelUpdateService;
import org.liveng.kernel.slots.SlotFiles;
import org.liveng.shell.internal.KernelCommand;
import org.liveng.testing.Oracles;
import org.liveng.testing.UpdateKernel;
import org.liveng.testing.boot.DiskImages;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * {@code liveng kernel repair}, the boot-time repair of a {@code second-partition} stick (run by the agent's
 * {@code liveng-repair.service} after a boot from the fallback entry), on forged images from the host: the kernel
 * partition an update left damaged is rewritten in place from a system root holding the installed kernel (the
 * fixture's newer Debian kernel package, unpacked), judged by xorriso, isoinfo, blkid and grub-editenv, by the slot
 * reader and by the model of the GRUB menu.
 */
@ExtendWith(ServiceExtension.class)
class KernelRepairTest {
    @InjectService(timeout = 5000)
    ImageForge forge;

    @InjectService(timeout = 5000)
    KernelCommand command;

    @InjectService(timeout = 5000)
    KernelUpdates updates;

    @InjectService(timeout = 5000)
    ProviderRegistry registry;

    static String release;

    @BeforeAll
    static void fixture() throws Exception {
        KernelUpdateTest.fixture();
        release = KernelUpdateTest.update.getProperty("kernel_release");
    }

    /** A system root as the live system has it after installing the newer kernel: boot/vmlinuz, boot/initrd.img, lib/modules. */
    static Path root(Path dir) throws Exception {
        UpdateKernel k = Oracles.updateKernel(dir);
        Path root = dir.resolve("deb");
        Files.copy(k.initrd(), root.resolve("boot/initrd.img-" + release));
        assertTrue(Files.isDirectory(root.resolve("lib/modules/" + release)) || Files.isDirectory(root.resolve("usr/lib/modules/" + release)),
                "the kernel package brings its modules");
        return root;
    }

    ForgeResult forged(Path img, String strategy) throws Exception {
        return forge.forge(ForgeRequest.of(KernelUpdateTest.iso, img, KernelUpdateTest.recipe(strategy)), Progress.NONE);
    }

    /** A forged second-partition stick updated from the host to the newer kernel, and the root that kernel is installed in. */
    record Updated(Path img, ForgeResult forged, Path root) {
    }

    Updated updated(Path dir) throws Exception {
        Path img = dir.resolve("stick.img");
        ForgeResult r = forged(img, "second-partition");
        Path root = root(dir);
        String out = (String) command.update(false, root.resolve("boot/vmlinuz-" + release).toString(),
                root.resolve("boot/initrd.img-" + release).toString(), "", false, img.toString());
        assertTrue(out.contains("generation 2"), out);
        return new Updated(img, r, root);
    }

    /** The partition's byte offset in the image. */
    static long offset(PartitionPlan p) {
        return p.firstLba() * 512;
    }

    static String sha256(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return SlotFiles.sha256(in);
        }
    }

    static String blkidUuid(Path partition) throws LivengException {
        return Fixtures.run("blkid", "-p", "-o", "value", "-s", "UUID", partition.toString()).strip();
    }

    /** The entry the model of liveng's GRUB menu boots, and whether its slot is sound: "ok k RELEASE" or "BROKEN k: ...". */
    String boot(Path img) throws Exception {
        return boot(img, registry);
    }

    /** {@link #boot(Path)} with the given registry, for the repair boot test. */
    static String boot(Path img, ProviderRegistry registry) throws Exception {
        try (var o = KernelUpdateService.open(FileChannel.open(img, StandardOpenOption.READ), img.toString(), registry, null)) {
            byte[] env = o.stick().readEspFile("/liveng/grubenv").orElseThrow();
            List<String> ids = o.strategy().bootEntries(o.recipe(), List.of("boot=live")).stream().map(BootEntry::id).toList();
            GrubBootResolver.Boot b = GrubBootResolver.boot(ids, env);
            if (b.entry().equals(GrubBootResolver.FALLBACK)) {
                return "fallback";
            }
            SlotInfo s = SlotFiles.read(o.stick(), o.strategy().slots(o.recipe()).get(ids.indexOf(b.entry())), b.entry());
            return s.valid() ? "ok " + b.entry() + " " + s.version() : "BROKEN " + b.entry() + ": " + s.problem();
        }
    }

    @Test
    void repairRewritesADamagedKernelPartitionWithTheSameUuidAndKernel(@TempDir Path dir) throws Exception {
        Updated u = updated(dir);
        Path img = u.img();
        ForgeResult r = u.forged();
        Path root = u.root();
        Path kernel = root.resolve("boot/vmlinuz-" + release);
        PartitionPlan kp = ForgeTest.part(r.plan(), "LIVENG_KERNEL");
        String uuid = blkidUuid(KernelUpdateTest.extract(img, kp, dir.resolve("before.iso")));
        assertEquals(kp.filesystemUuid(), uuid);

        DiskImages.tamperIsoFile(img, kp, "/live/vmlinuz", dir);
        String damaged = (String) command.status(false, img.toString());
        assertTrue(damaged.contains("INVALID: /live/vmlinuz has SHA-256"), damaged);
        assertTrue(boot(img).startsWith("BROKEN k"), "the default entry boots the damaged kernel: " + boot(img));

        String repaired = (String) command.repair(false, root.toString(), img.toString());
        assertTrue(repaired.contains("rewritten in place with kernel " + release + " (the release its manifest records)")
                && repaired.contains("generation 2"), repaired);

        StickStatus s = updates.status(img);
        SlotInfo slot = s.slots().get(0);
        assertTrue(slot.valid(), slot.problem());
        assertEquals(release, slot.version());
        assertEquals(2, slot.generation(), "the generation is kept");
        assertEquals("ok k " + release, boot(img), "the next normal boot starts the repaired kernel");
        Path after = KernelUpdateTest.extract(img, kp, dir.resolve("after.iso"));
        assertEquals(uuid, blkidUuid(after), "the UUID the menu finds the partition by is kept");
        assertTrue(Fixtures.run("isoinfo", "-d", "-i", after.toString()).contains("Volume id: LIVENG_KERNEL"));
        Path files = Files.createDirectory(dir.resolve("after"));
        Fixtures.run("xorriso", "-osirrox", "on", "-indev", after.toString(), "-extract", "/", files.toString());
        assertArrayEquals(Files.readAllBytes(kernel), Files.readAllBytes(files.resolve("live/vmlinuz")));
        assertArrayEquals(Files.readAllBytes(root.resolve("boot/initrd.img-" + release)), Files.readAllBytes(files.resolve("live/initrd.img")));
        String manifest = Files.readString(files.resolve("liveng/slot.json"));
        assertTrue(manifest.contains("\"modules\": \"persistence\""), "the kernel's modules are still in the persistence: " + manifest);
        assertTrue(KernelUpdateTest.grubenv(img, r.plan(), dir).contains("liveng_k_status=good"));

        // a valid partition: said so, nothing written (the whole image stays byte for byte)
        String before = sha256(img);
        String again = (String) command.repair(false, root.toString(), img.toString());
        assertTrue(again.contains("LIVENG_KERNEL holds a valid kernel (" + release + ", generation 2): nothing to repair"), again);
        assertEquals(before, sha256(img));
        String json = (String) command.repair(true, root.toString(), img.toString());
        assertTrue(json.contains("\"repaired\": false") && json.contains("\"strategy\": \"second-partition\""), json);
        assertEquals(before, sha256(img));
    }

    /**
     * Power lost in the middle of an update (the crash test's fault-injecting channel): the partition does not read; the
     * repair takes the newest installed kernel by version (not the most recently touched file).
     */
    @Test
    void repairRewritesAPartitionAnUpdateLeftHalfWritten(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("stick.img");
        ForgeResult r = forged(img, "second-partition");
        Path root = root(dir);
        KernelImage k = new KernelImage(release, Content.of(root.resolve("boot/vmlinuz-" + release)),
                Content.of(root.resolve("boot/initrd.img-" + release)));
        try (FileChannel raw = FileChannel.open(img, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FaultyChannel clean = new FaultyChannel(raw, Long.MAX_VALUE, 0);
            update(clean, img, k);
            long writes = clean.writes();
            clean.undo();
            FaultyChannel cut = new FaultyChannel(raw, writes / 2, 0);
            assertThrows(LivengException.class, () -> update(cut, img, k));
            assertTrue(cut.crashed());
        }
        assertTrue(boot(img).startsWith("BROKEN k"), "the default entry is broken: " + boot(img));
        // an older kernel, touched last: the newest release wins, by dpkg's version order
        Path old = Files.writeString(root.resolve("boot/vmlinuz-6.1.0-9-cloud-amd64"), "not a kernel");
        Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis() + 60_000));

        String repaired = (String) command.repair(false, root.toString(), img.toString());
        assertTrue(repaired.contains("rewritten in place with kernel " + release), repaired);
        assertEquals("ok k " + release, boot(img));
        PartitionPlan kp = ForgeTest.part(r.plan(), "LIVENG_KERNEL");
        assertEquals(kp.filesystemUuid(), blkidUuid(KernelUpdateTest.extract(img, kp, dir.resolve("after.iso"))));

        // no volume descriptor at all (the manifest cannot be read): the newest installed kernel
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(2048), offset(kp) + 16 * 2048L);
        }
        assertTrue(((String) command.status(false, img.toString())).contains("INVALID: empty"));
        String fromNewest = (String) command.repair(false, root.toString(), img.toString());
        assertTrue(fromNewest.contains("rewritten in place with kernel " + release + " (the newest installed, its manifest does not read)")
                && fromNewest.contains("generation 1"), fromNewest);
        SlotInfo slot = updates.status(img).slots().get(0);
        assertTrue(slot.valid() && slot.version().equals(release), slot.toString());
        Path after = KernelUpdateTest.extract(img, kp, dir.resolve("after2.iso"));
        assertEquals(kp.filesystemUuid(), blkidUuid(after));
        Path files = Files.createDirectory(dir.resolve("after2"));
        Fixtures.run("xorriso", "-osirrox", "on", "-indev", after.toString(), "-extract", "/", files.toString());
        assertArrayEquals(Files.readAllBytes(root.resolve("boot/vmlinuz-" + release)), Files.readAllBytes(files.resolve("live/vmlinuz")));
        assertEquals("ok k " + release, boot(img));
    }

    private void update(FaultyChannel ch, Path img, KernelImage k) throws Exception {
        try (var o = KernelUpdateService.open(ch, img.toString(), registry, null)) {
            o.strategy().update(o.stick(), k, false, o.recipe());
        }
    }

    @Test
    void abSlotsNeedsNoRepairAndNothingIsWritten(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("stick.img");
        forged(img, "ab-slots");
        String before = sha256(img);
        // no kernels at all under this root: ab-slots does not look for any
        String out = (String) command.repair(false, Files.createDirectory(dir.resolve("empty-root")).toString(), img.toString());
        assertTrue(out.startsWith("ab-slots repairs itself through GRUB's fallback") && out.contains("nothing was written"), out);
        assertEquals(before, sha256(img));
    }

    @Test
    void aMissingInstalledKernelIsNamedAndNothingIsWritten(@TempDir Path dir) throws Exception {
        Updated u = updated(dir);
        Path img = u.img();
        Path root = u.root();
        DiskImages.tamperIsoFile(img, ForgeTest.part(u.forged().plan(), "LIVENG_KERNEL"), "/live/vmlinuz", dir);
        String before = sha256(img);

        Path bare = dir.resolve("bare");
        Files.createDirectories(bare.resolve("boot"));
        LivengException e = assertThrows(LivengException.class, () -> command.repair(false, bare.toString(), img.toString()));
        assertEquals(ErrorCodes.NOT_FOUND, e.code());
        assertTrue(e.getMessage().startsWith("cannot repair LIVENG_KERNEL (/live/vmlinuz has SHA-256")
                && e.getMessage().contains(bare.resolve("boot/vmlinuz-" + release) + " does not exist: kernel " + release + " is not installed"),
                e.getMessage());
        assertTrue(e.hint().contains("apt install --reinstall linux-image-" + release), e.hint());

        Files.delete(root.resolve("boot/initrd.img-" + release));
        LivengException noInitrd = assertThrows(LivengException.class, () -> command.repair(false, root.toString(), img.toString()));
        assertTrue(noInitrd.getMessage().contains(root.resolve("boot/initrd.img-" + release) + " does not exist"), noInitrd.getMessage());
        assertTrue(noInitrd.hint().contains("mkinitramfs"), noInitrd.hint());
        assertEquals(before, sha256(img), "nothing was written");
        assertFalse(updates.status(img).slots().get(0).valid());

        // on this host (not running from a liveng stick) the on-stick form names what it looked for
        KernelCommand onStick = new KernelCommand(updates, Fixtures.RUNNER, dir.resolve("cmdline"), root.resolve("boot"));
        LivengException running = assertThrows(LivengException.class, () -> onStick.repair(false, root.toString()));
        assertEquals(ErrorCodes.NOT_FOUND, running.code());
        assertTrue(running.getMessage().contains("no partition named LIVENG_SYSTEM"), running.getMessage());
    }
}
