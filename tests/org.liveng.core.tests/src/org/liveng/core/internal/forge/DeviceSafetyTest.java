package org.liveng.core.internal.forge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.liveng.platform.blockdev.BlockDevice;
import org.liveng.platform.blockdev.BlockDevices;

/**
 * Each device-safety rule on faked kernel facts (the integration tests show
 * the probe reads those facts from real loop devices): a healthy stick passes,
 * and every single fact that makes a device unsafe refuses it on its own.
 */
class DeviceSafetyTest {
    static final long GIB = 1L << 30;

    static BlockDevice stick() {
        return new BlockDevice("/dev/sdz", "/dev/sdz", "sdz", "8:240", null, 16 * GIB, 512, true, false, "Acme Stick", "0123",
                List.of("/dev/disk/by-id/usb-Acme_Stick_0123-0:0"), List.of(), List.of(), false, List.of(), List.of(), false, "ab12");
    }

    static BlockDevice with(String field, Object value) {
        BlockDevice s = stick();
        return new BlockDevice(s.path(), s.devicePath(), s.kernelName(), s.majorMinor(),
                field.equals("partitionOf") ? (String) value : s.partitionOf(), field.equals("size") ? (Long) value : s.sizeBytes(), 512,
                field.equals("removable") ? (Boolean) value : s.removable(), field.equals("readOnly") ? (Boolean) value : s.readOnly(),
                s.model(), s.serial(), s.byIdNames(), s.partitions(), field.equals("mounts") ? List.of((String) value) : s.mounts(),
                field.equals("holdsRoot") ? (Boolean) value : s.holdsRoot(), field.equals("swaps") ? List.of((String) value) : s.swaps(),
                field.equals("holders") ? List.of((String) value) : s.holders(), field.equals("busy") ? (Boolean) value : s.busy(),
                field.equals("fingerprint") ? (String) value : s.tableFingerprint());
    }

    static void refusedFor(BlockDevice d, String expected) {
        List<String> r = DeviceSafety.refusals(d, GIB, false);
        assertEquals(1, r.size(), r.toString());
        assertTrue(r.get(0).contains(expected), r.get(0));
    }

    @Test
    void aHealthyRemovableStickPasses() {
        assertEquals(List.of(), DeviceSafety.refusals(stick(), GIB, false));
    }

    @Test
    void eachUnsafeFactRefusesOnItsOwn() {
        refusedFor(with("partitionOf", "sdz"), "is a partition of /dev/sdz");
        refusedFor(with("holdsRoot", true), "holds / (the running system)");
        refusedFor(with("mounts", "/dev/sdz1 on /media/x"), "has a mounted filesystem: /dev/sdz1 on /media/x");
        refusedFor(with("swaps", "/dev/sdz2"), "is in use as swap: /dev/sdz2");
        refusedFor(with("holders", "dm-0 (on sdz1)"), "is held by dm-0 (on sdz1)");
        refusedFor(with("busy", true), "is busy");
        refusedFor(with("readOnly", true), "is read-only");
        refusedFor(with("removable", false), "is not a removable disk");
        refusedFor(with("size", GIB - 512), "is too small: 1024 MiB (1073741312 bytes), the plan needs at least 1024 MiB (1073741824 bytes)");
        refusedFor(with("fingerprint", BlockDevices.UNREADABLE + "Operation not permitted"), "cannot be read (Operation not permitted)");
    }

    @Test
    void aFixedDiskPassesOnlyWhenAllowed() {
        assertEquals(List.of(), DeviceSafety.refusals(with("removable", false), GIB, true));
    }

    @Test
    void busyIsNotRepeatedWhenItsCauseIsKnown() {
        BlockDevice mountedAndBusy = new BlockDevice("/dev/sdz", "/dev/sdz", "sdz", "8:240", null, 16 * GIB, 512, true, false, "", "",
                List.of(), List.of("sdz1"), List.of("/dev/sdz1 on /mnt"), false, List.of(), List.of(), true, "ab12");
        assertEquals(1, DeviceSafety.refusals(mountedAndBusy, GIB, false).size());
    }

    @Test
    void theIdentityNamesWhatChanged() {
        BlockDevice.Identity before = stick().identity();
        assertEquals(List.of(), before.differences(stick().identity()));
        assertEquals(List.of("its partition table changed"), before.differences(with("fingerprint", "cd34").identity()));
        assertTrue(before.differences(with("size", 8 * GIB).identity()).get(0).startsWith("its size is now"));
        assertTrue(!before.digest().equals(with("fingerprint", "cd34").identity().digest()));
    }
}
