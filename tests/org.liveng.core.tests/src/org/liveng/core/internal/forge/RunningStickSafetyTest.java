package org.liveng.core.internal.forge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.liveng.platform.blockdev.BlockDevice;

/**
 * The running-stick rules on faked kernel facts of a booted liveng stick (live medium mounted, LUKS persistence held
 * by dm-crypt and mounted): that stick passes, and each fact that makes writing its slots or ESP unsafe refuses it.
 */
class RunningStickSafetyTest {
    static final Map<String, String> NAMES = Map.of("sdz1", "LIVENG_SYSTEM", "sdz2", "LIVENG_KERNEL_A", "sdz3", "LIVENG_KERNEL_B",
            "sdz4", "LIVENG_EFI", "sdz5", "persistence");
    static final Set<String> WRITABLE = Set.of("LIVENG_KERNEL_A", "LIVENG_KERNEL_B", "LIVENG_EFI");
    static final List<String> BOOTED_MOUNTS = List.of("/dev/sdz1 on /run/live/medium", "/dev/mapper/persistence on /run/live/persistence/x");

    static BlockDevice stick(String partitionOf, List<String> mounts, List<String> swaps, List<String> holders, boolean readOnly) {
        return new BlockDevice("/dev/sdz", "/dev/sdz", "sdz", "8:240", partitionOf, 16L << 30, 512, true, readOnly, "Acme Stick", "0123",
                List.of(), List.of("sdz1", "sdz2", "sdz3", "sdz4", "sdz5"), mounts, false, swaps, holders, true, "ab12");
    }

    static BlockDevice booted() {
        return stick(null, BOOTED_MOUNTS, List.of(), List.of("dm-0 (on sdz5)"), false);
    }

    static void refusedFor(BlockDevice d, Map<String, String> names, String expected) {
        List<String> r = RunningStickSafety.refusals(d, names, WRITABLE);
        assertEquals(1, r.size(), r.toString());
        assertTrue(r.get(0).contains(expected), r.get(0));
    }

    @Test
    void theBootedStickIsWritableThoughItsMediumAndPersistenceAreInUse() {
        assertEquals(List.of(), RunningStickSafety.refusals(booted(), NAMES, WRITABLE));
    }

    @Test
    void aMountedSlotOrEspIsRefused() {
        List<String> mounts = new java.util.ArrayList<>(BOOTED_MOUNTS);
        mounts.add("/dev/sdz4 on /boot/efi");
        refusedFor(stick(null, mounts, List.of(), List.of("dm-0 (on sdz5)"), false), NAMES, "LIVENG_EFI (sdz4) is mounted");
        refusedFor(stick(null, BOOTED_MOUNTS, List.of("/dev/sdz3"), List.of(), false), NAMES, "LIVENG_KERNEL_B (sdz3) is in use as swap");
        refusedFor(stick(null, BOOTED_MOUNTS, List.of(), List.of("dm-1 (on sdz2)"), false), NAMES, "LIVENG_KERNEL_A (sdz2) is held by dm-1");
    }

    @Test
    void aDiskTheLiveSystemDidNotBootFromIsRefused() {
        refusedFor(stick(null, List.of("/dev/sdz1 on /media/stick"), List.of(), List.of(), false), NAMES, "not the disk the live system booted from");
        Map<String, String> noSystem = new java.util.HashMap<>(NAMES);
        noSystem.remove("sdz1");
        refusedFor(stick(null, BOOTED_MOUNTS, List.of(), List.of(), false), noSystem, "not a liveng stick");
    }

    @Test
    void aPartitionAReadOnlyDiskOrAMissingSlotIsRefused() {
        refusedFor(stick("sdz", BOOTED_MOUNTS, List.of(), List.of(), false), NAMES, "the running stick is its whole disk");
        refusedFor(stick(null, BOOTED_MOUNTS, List.of(), List.of(), true), NAMES, "read-only");
        Map<String, String> noB = new java.util.HashMap<>(NAMES);
        noB.remove("sdz3");
        refusedFor(booted(), noB, "no partition named LIVENG_KERNEL_B");
    }
}
