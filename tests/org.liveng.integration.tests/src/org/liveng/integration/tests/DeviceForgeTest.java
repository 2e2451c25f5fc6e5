package org.liveng.integration.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
import org.liveng.platform.posix.NativeCalls;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * forge onto real block devices (loop devices): it writes the same stick as
 * into an image file, and each device-safety rule refuses before a byte is
 * written, with the device left exactly as it was.
 */
@ExtendWith(ServiceExtension.class)
class DeviceForgeTest {
    static final Recipe RECIPE = new Recipe(Map.of("reproducible.seed", "device-test", "reproducible.source-date-epoch", "1704067200",
            "kernel.slot-size", "64M", "persistence.size", "rest", "persistence.encryption", "none"));
    static Path iso;

    @InjectService(timeout = 5000)
    ImageForge forge;

    @InjectService(timeout = 5000)
    NativeCalls posix;

    @BeforeAll
    static void fixture() throws LivengException {
        iso = Fixtures.liveIso();
    }

    @Test
    void forgesAWholeLoopDeviceFullOfOldDataIntoAValidStick(@TempDir Path dir) throws Exception {
        try (LoopDevice loop = LoopDevice.create(dir, "stick", 512, true)) {
            String dev = loop.device.toString();
            // an old ISO 9660 where the empty kernel slot B will be: forge must not leave it findable
            PartitionPlan oldB = ForgeTest.part(forge.plan(ForgeRequest.of(iso, loop.device, RECIPE).confirmed(dev, true)), "LIVENG_KERNEL_B");
            try (var in = java.nio.channels.FileChannel.open(iso); var out = java.nio.channels.FileChannel.open(loop.backing,
                    java.nio.file.StandardOpenOption.WRITE)) {
                in.transferTo(0, 1 << 20, out.position(oldB.firstLba() * 512));
            }
            Path manifest = dir.resolve("stick.manifest.json");
            ForgeResult r = forge.forge(ForgeRequest.of(iso, loop.device, RECIPE).confirmed(dev, true).manifestAt(manifest), Progress.NONE);
            ImagePlan plan = r.plan();
            assertTrue(plan.notes().stream().anyMatch(n -> n.startsWith("device: " + dev)), plan.notes().toString());
            assertEquals(512L << 20, plan.sizeBytes());
            String verify = Fixtures.run("sgdisk", "-v", dev);
            assertTrue(verify.contains("No problems found"), verify);
            assertTrue(Files.readString(manifest).contains(r.digests().get("LIVENG_EFI")));

            // the persistence partition fills the device and is a clean ext4 although the device held garbage
            PartitionPlan persistence = ForgeTest.part(plan, "persistence");
            long lastUsable = (512L << 20) / 512 - 34;
            assertTrue(persistence.lastLba() <= lastUsable && persistence.lastLba() > lastUsable - 2048,
                    "persistence=rest ends in the last MiB: " + persistence.lastLba());
            Path ext4 = ForgeTest.extract(loop.device, persistence, dir.resolve("persistence.ext4"));
            Fixtures.run("e2fsck", "-fn", ext4.toString());
            String conf = Fixtures.run("debugfs", "-R", "cat /persistence.conf", ext4.toString());
            assertEquals("/ union", conf.strip());

            // the ISO and the BIOS boot partition are byte for byte what forge writes into an image file from the same inputs
            Path img = dir.resolve("same.img");
            ForgeResult file = forge.forge(ForgeRequest.of(iso, img, RECIPE.with("persistence.size",
                    Long.toString((persistence.lastLba() - persistence.firstLba() + 1) * 512)).with("image.size", Long.toString(512L << 20))),
                    Progress.NONE);
            // the recorded digests count unwritten bytes as zeros: the device's garbage does not change them
            for (String name : List.of("LIVENG_SYSTEM", "LIVENG_KERNEL_A", "LIVENG_KERNEL_B", "LIVENG_EFI", "BIOS boot")) {
                assertEquals(file.digests().get(name), r.digests().get(name), name);
            }
            PartitionPlan system = ForgeTest.part(plan, "LIVENG_SYSTEM");
            assertEquals(ForgeTest.sha256(iso, 0, Files.size(iso)), ForgeTest.sha256(loop.device, system.firstLba() * 512, Files.size(iso)));
            // the slots and the ESP hold the same files, and the device's old data left no signature where nothing was written
            String slotA = Fixtures.run("xorriso", "-indev", ForgeTest.extract(loop.device, ForgeTest.part(plan, "LIVENG_KERNEL_A"),
                    dir.resolve("a.iso")).toString(), "-find", "/live", "-exec", "lsdl");
            assertTrue(slotA.contains("vmlinuz") && slotA.contains("initrd.img"), slotA);
            Path slotB = ForgeTest.extract(loop.device, ForgeTest.part(plan, "LIVENG_KERNEL_B"), dir.resolve("b.img"));
            assertEquals("", Fixtures.runAllowingFailure("blkid", "-p", "-o", "export", slotB.toString()).strip(), "empty slot B has no signature");
            Path esp = ForgeTest.extract(loop.device, ForgeTest.part(plan, "LIVENG_EFI"), dir.resolve("esp.img"));
            Fixtures.run("fsck.fat", "-n", esp.toString());
            Path espFile = ForgeTest.extract(img, ForgeTest.part(file.plan(), "LIVENG_EFI"), dir.resolve("esp-file.img"));
            assertEquals(Fixtures.run("mdir", "-/", "-b", "-i", espFile.toString(), "::/"), Fixtures.run("mdir", "-/", "-b", "-i", esp.toString(), "::/"));
        }
    }

    /**
     * This kernel's loop driver makes no partition devices (max_part=0), so the kernel's facts are faked: a sysfs tree in
     * which a real loop device's major:minor is partition 1 of a disk. The rule itself is tested in core's DeviceSafetyTest.
     */
    @Test
    void theProbeTellsAPartitionFromAWholeDisk(@TempDir Path dir) throws Exception {
        try (LoopDevice loop = LoopDevice.create(dir, "part", 64, false)) {
            String majMin = Fixtures.run("lsblk", "-n", "-d", "-o", "MAJ:MIN", loop.device.toString()).strip();
            Path sys = dir.resolve("sys");
            Path part = Files.createDirectories(sys.resolve("devices/virtual/block/fakedisk/fakedisk1"));
            Files.writeString(part.resolve("partition"), "1\n");
            Files.writeString(part.resolve("size"), "131072\n");
            Files.writeString(part.resolve("dev"), majMin + "\n");
            Files.createDirectories(sys.resolve("dev/block"));
            Files.createSymbolicLink(sys.resolve("dev/block/" + majMin), part);
            Files.createDirectories(sys.resolve("class/block"));
            var probe = new org.liveng.platform.blockdev.BlockDevices(sys, Path.of("/proc"), Path.of("/dev"), posix).probe(loop.device);
            assertEquals("fakedisk", probe.partitionOf());
            assertEquals(64L << 20, probe.sizeBytes());
            var real = new org.liveng.platform.blockdev.BlockDevices(posix).probe(loop.device);
            assertEquals(null, real.partitionOf(), "a loop device is a whole disk");
        }
    }

    @Test
    void refusesToInventAFileUnderDev() {
        Path missing = Path.of("/dev/liveng-no-such-disk");
        LivengException e = assertThrows(LivengException.class,
                () -> forge.forge(ForgeRequest.of(iso, missing, RECIPE).confirmed(missing.toString(), true), Progress.NONE));
        assertEquals(ErrorCodes.NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("no such device"), e.getMessage());
        assertTrue(Files.notExists(missing));
    }

    @Test
    void refusesADeviceWithAMountedFilesystem(@TempDir Path dir) throws Exception {
        try (LoopDevice loop = LoopDevice.create(dir, "mounted", 64, false)) {
            Fixtures.run("mkfs.ext4", "-q", loop.device.toString());
            Path mnt = Files.createDirectory(dir.resolve("mnt"));
            loop.using(new String[] { "mount", loop.device.toString(), mnt.toString() }, "umount", mnt.toString());
            assertRefused(loop.device, loop, true, "has a mounted filesystem: " + loop.device + " on " + mnt);
        }
    }

    @Test
    void refusesActiveSwap(@TempDir Path dir) throws Exception {
        try (LoopDevice loop = LoopDevice.create(dir, "swap", 64, false)) {
            Fixtures.run("mkswap", "-q", loop.device.toString());
            loop.using(new String[] { "swapon", loop.device.toString() }, "swapoff", loop.device.toString());
            assertRefused(loop.device, loop, true, "is in use as swap");
        }
    }

    @Test
    void refusesADeviceAnotherProgramHoldsExclusively(@TempDir Path dir) throws Exception {
        try (LoopDevice loop = LoopDevice.create(dir, "held", 64, false); AutoCloseable held = posix.claimExclusively(loop.device.toString())) {
            assertRefused(loop.device, loop, true, "is busy");
        }
    }

    @Test
    void refusesAReadOnlyDevice(@TempDir Path dir) throws Exception {
        try (LoopDevice loop = LoopDevice.create(dir, "readonly", 1024, false, "--read-only")) {
            assertRefused(loop.device, loop, true, "is read-only");
        }
    }

    @Test
    void refusesANonRemovableDiskUnlessAllowed(@TempDir Path dir) throws Exception {
        try (LoopDevice loop = LoopDevice.create(dir, "fixed", 1024, false)) {
            assertRefused(loop.device, loop, false, "is not a removable disk");
            forge.plan(ForgeRequest.of(iso, loop.device, RECIPE).confirmed(loop.device.toString(), true));
        }
    }

    @Test
    void refusesATooSmallDeviceSayingHowMuchIsNeeded(@TempDir Path dir) throws Exception {
        try (LoopDevice loop = LoopDevice.create(dir, "small", 128, false)) {
            LivengException e = assertRefused(loop.device, loop, true, "is too small: 128 MiB");
            assertTrue(e.getMessage().matches("(?s).*the plan needs at least 4\\d\\d MiB.*"), e.getMessage());
        }
    }

    @Test
    void refusesTheDiskHoldingTheRunningSystem() throws Exception {
        String root = Fixtures.run("findmnt", "-n", "-o", "SOURCE", "/").strip();
        assertTrue(root.startsWith("/dev/"), "this test needs / on a block device, it is on " + root);
        String disk = Fixtures.run("lsblk", "-n", "-d", "-o", "PKNAME", root).strip();
        Path target = Path.of(disk.isEmpty() ? root : "/dev/" + disk);
        LivengException e = assertThrows(LivengException.class,
                () -> forge.forge(ForgeRequest.of(iso, target, RECIPE).confirmed(target.toString(), true), Progress.NONE));
        assertEquals(ErrorCodes.PREFLIGHT, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("holds / (the running system)"), e.getMessage());
    }

    @Test
    void refusesAnUnconfirmedDeviceOrOneConfirmedByAnotherName(@TempDir Path dir) throws Exception {
        try (LoopDevice loop = LoopDevice.create(dir, "unconfirmed", 512, true); LoopDevice other = LoopDevice.create(dir, "other", 16, false)) {
            String before = ForgeTest.sha256(loop.backing, 0, Files.size(loop.backing));
            LivengException e = assertThrows(LivengException.class,
                    () -> forge.forge(ForgeRequest.of(iso, loop.device, RECIPE).confirmed(null, true), Progress.NONE));
            assertTrue(e.getMessage().contains("was not confirmed"), e.getMessage());
            e = assertThrows(LivengException.class,
                    () -> forge.forge(ForgeRequest.of(iso, loop.device, RECIPE).confirmed(other.device.toString(), true), Progress.NONE));
            assertTrue(e.getMessage().contains("the confirmation names " + other.device), e.getMessage());
            assertEquals(before, ForgeTest.sha256(loop.backing, 0, Files.size(loop.backing)), "the device was not touched");
        }
    }

    @Test
    void refusesADeviceWhosePartitionTableChangedSinceThePlan(@TempDir Path dir) throws Exception {
        try (LoopDevice loop = LoopDevice.create(dir, "changed", 512, false)) {
            String dev = loop.device.toString();
            ForgeRequest request = ForgeRequest.of(iso, loop.device, RECIPE).confirmed(dev, true);
            ImagePlan plan = forge.plan(request);
            Fixtures.run("sgdisk", "-o", "-n", "1:2048:+8M", dev);
            String before = ForgeTest.sha256(loop.backing, 0, Files.size(loop.backing));
            LivengException e = assertThrows(LivengException.class, () -> forge.forge(request.boundTo(plan.targetIdentity()), Progress.NONE));
            assertEquals(ErrorCodes.PREFLIGHT, e.code());
            assertTrue(e.getMessage().contains("changed since it was planned"), e.getMessage());
            assertEquals(before, ForgeTest.sha256(loop.backing, 0, Files.size(loop.backing)), "nothing was written");
        }
    }

    private LivengException assertRefused(Path target, LoopDevice loop, boolean allowFixed, String expected) throws Exception {
        String before = ForgeTest.sha256(loop.backing, 0, Files.size(loop.backing));
        LivengException e = assertThrows(LivengException.class,
                () -> forge.forge(ForgeRequest.of(iso, target, RECIPE).confirmed(target.toString(), allowFixed), Progress.NONE));
        assertEquals(ErrorCodes.PREFLIGHT, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        assertEquals(before, ForgeTest.sha256(loop.backing, 0, Files.size(loop.backing)), "the device was not touched");
        return e;
    }
}
