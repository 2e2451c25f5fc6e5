package org.liveng.core.internal.forge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;

/**
 * The running stick is found by partition label through a sysfs and /dev shaped like the kernel's (symlinks from
 * {@code /dev/disk/by-partlabel} and {@code /sys/class/block} into {@code /sys/devices}), never by partition number.
 */
class RunningStickLocatorTest {

    static void partition(Path sys, Path dev, String disk, String part, String name) throws Exception {
        Path d = sys.resolve("devices/pci0000:00/usb1/block").resolve(disk);
        Path p = Files.createDirectories(d.resolve(part));
        Files.writeString(p.resolve("partition"), "1\n");
        Files.writeString(p.resolve("uevent"), "MAJOR=8\nMINOR=1\nDEVNAME=" + part + "\nDEVTYPE=partition\nPARTNAME=" + name + "\n");
        Files.createDirectories(sys.resolve("class/block"));
        if (!Files.exists(sys.resolve("class/block").resolve(disk))) {
            Files.createSymbolicLink(sys.resolve("class/block").resolve(disk), d);
        }
        Files.createSymbolicLink(sys.resolve("class/block").resolve(part), p);
        Files.createFile(dev.resolve(part));
        Files.createDirectories(dev.resolve("disk/by-partlabel"));
        Files.createSymbolicLink(dev.resolve("disk/by-partlabel").resolve(name), Path.of("../..").resolve(part));
    }

    @Test
    void findsTheWholeDiskHoldingLivengSystemWhateverItsNumber(@TempDir Path dir) throws Exception {
        Path sys = Files.createDirectories(dir.resolve("sys"));
        Path dev = Files.createDirectories(dir.resolve("dev"));
        partition(sys, dev, "sda", "sda1", "root");
        partition(sys, dev, "sdc", "sdc3", "LIVENG_SYSTEM");
        partition(sys, dev, "sdc", "sdc1", "LIVENG_EFI");
        RunningStickLocator l = new RunningStickLocator(sys, dev);
        assertEquals(dev.resolve("sdc"), l.disk());
        assertEquals(Map.of("sdc1", "LIVENG_EFI", "sdc3", "LIVENG_SYSTEM"), l.partitionNames("sdc"));
    }

    @Test
    void aSystemWithoutLivengSystemIsNotALivengStick(@TempDir Path dir) throws Exception {
        Path sys = Files.createDirectories(dir.resolve("sys"));
        Path dev = Files.createDirectories(dir.resolve("dev"));
        partition(sys, dev, "sda", "sda1", "root");
        LivengException e = assertThrows(LivengException.class, () -> new RunningStickLocator(sys, dev).disk());
        assertEquals(ErrorCodes.NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("not on a liveng stick"), e.getMessage());
    }
}
