package org.liveng.core.internal.forge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;

/**
 * Finds the stick the live system runs from: the whole disk holding the partition with GPT name {@code LIVENG_SYSTEM}
 * ({@code /dev/disk/by-partlabel}, then the disk sysfs puts that partition under), never by partition number.
 *
 * @param sys the sysfs root ({@code /sys}; a fake tree in tests)
 * @param dev the device root ({@code /dev}; a fake tree in tests)
 */
record RunningStickLocator(Path sys, Path dev) {

    /** The whole-disk device of the running stick. */
    Path disk() throws LivengException {
        Path label = dev.resolve("disk/by-partlabel").resolve(ForgeEngine.SYSTEM);
        if (!Files.exists(label)) {
            throw new LivengException(ErrorCodes.NOT_FOUND, "no partition named " + ForgeEngine.SYSTEM + " (" + label
                    + " does not exist): the running system is not on a liveng stick", "run this on a live system booted from a liveng stick");
        }
        try {
            String part = label.toRealPath().getFileName().toString();
            Path sysPart = sys.resolve("class/block").resolve(part).toRealPath();
            if (!Files.exists(sysPart.resolve("partition"))) {
                throw new LivengException(ErrorCodes.UNSUPPORTED, label + " points at " + part + ", which is not a partition");
            }
            return dev.resolve(sysPart.getParent().getFileName().toString());
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "resolving " + label + " failed: " + e.getMessage(), null, e);
        }
    }

    /** The GPT name of each partition of a disk, by kernel name ({@code sdb1 -> LIVENG_SYSTEM}), from sysfs uevent. */
    Map<String, String> partitionNames(String diskKernelName) throws LivengException {
        Map<String, String> names = new TreeMap<>();
        Path d = sys.resolve("class/block").resolve(diskKernelName);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d.toRealPath())) {
            for (Path child : ds) {
                if (!Files.exists(child.resolve("partition")) || !Files.exists(child.resolve("uevent"))) {
                    continue;
                }
                for (String line : Files.readAllLines(child.resolve("uevent"), StandardCharsets.UTF_8)) {
                    if (line.startsWith("PARTNAME=")) {
                        names.put(child.getFileName().toString(), line.substring("PARTNAME=".length()));
                    }
                }
            }
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "reading the partitions of " + diskKernelName + " in " + d + " failed: " + e.getMessage(),
                    null, e);
        }
        return names;
    }
}
