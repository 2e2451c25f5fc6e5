package org.liveng.core.internal.forge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.liveng.platform.blockdev.BlockDevice;
import org.liveng.platform.blockdev.BlockDevices;

/**
 * The rules for writing the stick the live system is running from (the on-stick {@code kernel install} and
 * {@code kernel bless}): unlike {@link DeviceSafety}, the disk is in use by design (its system partition is the live
 * medium, its persistence is mounted), so the rules are about partitions: the disk must be the one the live system
 * booted from, and none of the partitions that get written (the kernel slots and the ESP) may be in use.
 */
final class RunningStickSafety {
    /** Where live-boot mounts the medium it booted from. */
    static final String LIVE_MEDIUM = "/run/live/medium";

    private RunningStickSafety() {
    }

    /**
     * @param d the facts of the disk
     * @param partitionNames the GPT name of each of its partitions, by kernel name ({@code sdb1 -> LIVENG_SYSTEM})
     * @param writable the GPT names of the partitions that will be written
     * @return every reason to refuse, empty when the disk may be written
     */
    static List<String> refusals(BlockDevice d, Map<String, String> partitionNames, Set<String> writable) {
        List<String> r = new ArrayList<>();
        String name = d.devicePath();
        if (!d.wholeDisk()) {
            r.add(name + " is a partition of /dev/" + d.partitionOf() + "; the running stick is its whole disk");
            return r;
        }
        List<String> system = partitionNames.entrySet().stream().filter(e -> e.getValue().equals(ForgeEngine.SYSTEM))
                .map(Map.Entry::getKey).toList();
        if (system.size() != 1) {
            r.add(name + " has " + system.size() + " partitions named " + ForgeEngine.SYSTEM + "; it is not a liveng stick");
        } else if (d.mounts().stream().noneMatch(m -> on(m, system.get(0)) && m.endsWith(" on " + LIVE_MEDIUM))) {
            r.add(name + " is not the disk the live system booted from (" + ForgeEngine.SYSTEM + " is not mounted on " + LIVE_MEDIUM + ")");
        }
        for (String w : writable) {
            if (!partitionNames.containsValue(w)) {
                r.add(name + " has no partition named " + w);
            }
        }
        for (Map.Entry<String, String> p : partitionNames.entrySet()) {
            if (!writable.contains(p.getValue())) {
                continue;
            }
            String k = p.getKey();
            for (String m : d.mounts()) {
                if (on(m, k)) {
                    r.add(p.getValue() + " (" + k + ") is mounted: " + m + " (unmount it first)");
                }
            }
            for (String s : d.swaps()) {
                if (s.equals("/dev/" + k)) {
                    r.add(p.getValue() + " (" + k + ") is in use as swap");
                }
            }
            for (String h : d.holders()) {
                if (h.endsWith("(on " + k + ")")) {
                    r.add(p.getValue() + " (" + k + ") is held by " + h);
                }
            }
        }
        if (d.tableFingerprint().startsWith(BlockDevices.UNREADABLE)) {
            r.add(name + " cannot be read (" + d.tableFingerprint().substring(BlockDevices.UNREADABLE.length()) + ")");
        }
        if (d.readOnly()) {
            r.add(name + " is read-only (a write-protect switch, or the kernel's ro flag)");
        }
        return r;
    }

    private static boolean on(String mount, String kernelName) {
        return mount.startsWith("/dev/" + kernelName + " on ");
    }
}
