package org.liveng.core.internal.forge;

import java.util.ArrayList;
import java.util.List;

import org.liveng.platform.blockdev.BlockDevice;
import org.liveng.platform.blockdev.BlockDevices;

/**
 * The rules that keep forge from erasing the wrong disk. Each refusal says
 * what is wrong with the device and what to do; all are reported at once.
 */
final class DeviceSafety {
    private DeviceSafety() {
    }

    /**
     * @param needed the bytes the plan needs at least
     * @param allowFixed whether a device not flagged removable may be written
     */
    static List<String> refusals(BlockDevice d, long needed, boolean allowFixed) {
        List<String> r = new ArrayList<>();
        String name = d.devicePath();
        if (!d.wholeDisk()) {
            r.add(name + " is a partition of /dev/" + d.partitionOf() + "; forge writes a whole disk (give /dev/" + d.partitionOf()
                    + " if that disk is the stick)");
        }
        if (d.holdsRoot()) {
            r.add(name + " holds / (the running system)");
        }
        for (String m : d.mounts()) {
            r.add(name + " has a mounted filesystem: " + m + " (unmount it first)");
        }
        for (String s : d.swaps()) {
            r.add(name + " is in use as swap: " + s + " (swapoff it first)");
        }
        for (String h : d.holders()) {
            r.add(name + " is held by " + h + " (device-mapper, RAID or LVM; release it first)");
        }
        if (d.busy() && d.mounts().isEmpty() && d.swaps().isEmpty() && d.holders().isEmpty()) {
            r.add(name + " is busy: the kernel refuses an exclusive open (another program holds it)");
        }
        if (d.tableFingerprint().startsWith(BlockDevices.UNREADABLE)) {
            r.add(name + " cannot be read (" + d.tableFingerprint().substring(BlockDevices.UNREADABLE.length()) + ")");
        }
        if (d.readOnly()) {
            r.add(name + " is read-only (a write-protect switch, or the kernel's ro flag)");
        }
        if (!d.removable() && !allowFixed) {
            r.add(name + " is not a removable disk (" + d.describe() + "); if it really is the stick, confirm with --allow-fixed-disk");
        }
        if (d.sizeBytes() < needed) {
            r.add(name + " is too small: " + mib(d.sizeBytes()) + ", the plan needs at least " + mib(needed));
        }
        return r;
    }

    static String mib(long bytes) {
        return String.format("%d MiB (%d bytes)", (bytes + (1L << 20) - 1) >> 20, bytes);
    }
}
