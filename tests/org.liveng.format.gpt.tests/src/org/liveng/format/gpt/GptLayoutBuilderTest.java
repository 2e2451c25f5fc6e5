package org.liveng.format.gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.liveng.format.gpt.GptFixtures.MIB;
import static org.liveng.format.gpt.GptFixtures.SEED;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;

class GptLayoutBuilderTest {

    @Test
    void livengLayoutIsAlignedAndSequential() throws Exception {
        GptDisk d = GptFixtures.livengLayout(1024 * MIB, 512, SEED).build();
        assertEquals(2097152, d.totalSectors());
        assertEquals(34, d.firstUsableLba());
        assertEquals(2097152 - 34, d.lastUsableLba());
        List<GptPartition> p = d.partitions();
        assertEquals(6, p.size());
        assertEquals(new GptPartition(1, PartitionTypes.MICROSOFT_BASIC_DATA, Guid.derive(SEED, "partition/LIVENG_SYSTEM"),
                2048, 2048 + 409600 - 1, GptAttributes.of(2, 60, 63), "LIVENG_SYSTEM"), p.get(0));
        long expectStart = 2048;
        for (GptPartition q : p) {
            assertEquals(expectStart, q.firstLba(), q.label());
            assertEquals(0, q.firstLba() % 2048, q.label());
            assertEquals(0, (q.lastLba() + 1) % 2048, q.label());
            expectStart = q.lastLba() + 1;
        }
        GptPartition rest = d.findByName("persistence").orElseThrow();
        // the rest ends on the last 1 MiB boundary before the backup GPT
        assertEquals(2097152 - 2048 - 1, rest.lastLba());
        assertEquals(256 * MIB, d.findByName("LIVENG_KERNEL_A").orElseThrow().sizeBytes(512));
        assertEquals(List.of(d.findByName("LIVENG_EFI").orElseThrow()), d.findByType(PartitionTypes.EFI_SYSTEM));
        assertEquals(3, d.findByType(PartitionTypes.LINUX_FILESYSTEM).size());
        assertEquals("BIOS boot", d.findByGuid(Guid.derive(SEED, "partition/BIOS boot")).orElseThrow().name());
        assertTrue(d.findByName("nope").isEmpty());
        assertEquals(Guid.derive(SEED, "disk"), d.diskGuid());
        assertTrue(d.layoutProblems().isEmpty());
    }

    @Test
    void sectorSize4096Layout() throws Exception {
        GptDisk d = GptFixtures.livengLayout(1024 * MIB, 4096, SEED).build();
        assertEquals(262144, d.totalSectors());
        assertEquals(6, d.firstUsableLba());
        assertEquals(262144 - 6, d.lastUsableLba());
        assertEquals(256, d.partitions().get(0).firstLba());
        assertEquals(200 * MIB, d.partitions().get(0).sizeBytes(4096));
    }

    @Test
    void sizesAreRoundedUpToSectorsAndNextStartAligned() throws Exception {
        GptDisk d = new GptLayoutBuilder(16 * MIB, 512).seed(SEED)
                .add("a", PartitionTypes.LINUX_FILESYSTEM, 1000, 0, null)
                .add("b", PartitionTypes.LINUX_FILESYSTEM, MIB + 1, 0, null)
                .add("c", PartitionTypes.LINUX_FILESYSTEM, 512, 0, null).build();
        assertEquals(List.of(2048L, 2049L), List.of(d.partitions().get(0).firstLba(), d.partitions().get(0).lastLba()));
        assertEquals(4096, d.partitions().get(1).firstLba());
        assertEquals(4096 + 2048, d.partitions().get(1).lastLba());
        assertEquals(8192, d.partitions().get(2).firstLba());
    }

    @Test
    void tooSmallDiskSaysHowMuchIsNeeded() throws Exception {
        LivengException e = assertThrows(LivengException.class,
                () -> GptFixtures.livengLayout(700 * MIB, 512, SEED).build());
        assertEquals(ErrorCodes.PREFLIGHT, e.code());
        assertTrue(e.getMessage().contains("too small"), e.getMessage());
        assertTrue(e.getMessage().contains("LIVENG_KERNEL_B"), e.getMessage());
        // 1 MiB gap + 200 + 256 + 256 + 64 + 1 MiB, 1 MiB of rest, and the 16.5 KiB backup GPT
        assertTrue(e.getMessage().contains("the layout needs at least 816857600 bytes (780 MiB)"), e.getMessage());
        LivengException rest = assertThrows(LivengException.class,
                () -> GptFixtures.livengLayout(779 * MIB, 512, SEED).build());
        assertTrue(rest.getMessage().contains("'persistence' (rest of the disk) needs at least 1048576 bytes"), rest.getMessage());
        assertTrue(rest.getMessage().contains("at least 816857600 bytes (780 MiB)"), rest.getMessage());
        GptFixtures.livengLayout(816857600, 512, SEED).build();
    }

    @Test
    void refusesOverlapsDuplicatesAndMisplacedRest() {
        LivengException overlap = assertThrows(LivengException.class, () -> new GptLayoutBuilder(16 * MIB, 512)
                .add("a", PartitionTypes.LINUX_FILESYSTEM, 4 * MIB, 0, null)
                .addAt("b", PartitionTypes.LINUX_FILESYSTEM, 2 * MIB, MIB, 0, null).build());
        assertTrue(overlap.getMessage().contains("'a'") && overlap.getMessage().contains("'b'")
                && overlap.getMessage().contains("overlap"), overlap.getMessage());
        LivengException dup = assertThrows(LivengException.class, () -> new GptLayoutBuilder(16 * MIB, 512)
                .add("a", PartitionTypes.LINUX_FILESYSTEM, MIB, 0, null)
                .add("a", PartitionTypes.LINUX_FILESYSTEM, MIB, 0, null).build());
        assertTrue(dup.getMessage().contains("used twice"), dup.getMessage());
        Guid g = Guid.random();
        assertThrows(LivengException.class, () -> new GptLayoutBuilder(16 * MIB, 512)
                .add("a", PartitionTypes.LINUX_FILESYSTEM, MIB, 0, g)
                .add("b", PartitionTypes.LINUX_FILESYSTEM, MIB, 0, g).build());
        LivengException rest = assertThrows(LivengException.class, () -> new GptLayoutBuilder(16 * MIB, 512)
                .addRest("r", PartitionTypes.LINUX_FILESYSTEM, 0, null)
                .add("a", PartitionTypes.LINUX_FILESYSTEM, MIB, 0, null).build());
        assertTrue(rest.getMessage().contains("must be the last"), rest.getMessage());
        LivengException inGpt = assertThrows(LivengException.class, () -> new GptLayoutBuilder(16 * MIB, 512)
                .addAt("a", PartitionTypes.LINUX_FILESYSTEM, 512, MIB, 0, null).build());
        assertTrue(inGpt.getMessage().contains("first usable LBA is 34"), inGpt.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GptLayoutBuilder(16 * MIB, 512)
                .add("x".repeat(37), PartitionTypes.LINUX_FILESYSTEM, MIB, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new GptLayoutBuilder(16 * MIB, 513));
        assertThrows(LivengException.class, () -> new GptLayoutBuilder(16 * MIB + 1, 512).build());
    }

    @Test
    void fixedOffsetPartitionsAndSequentialOnesAfterThem() throws Exception {
        GptDisk d = new GptLayoutBuilder(32 * MIB, 512).seed(SEED)
                .addAt("fixed", PartitionTypes.LINUX_FILESYSTEM, 4 * MIB, 4 * MIB, 0, null)
                .add("next", PartitionTypes.LINUX_FILESYSTEM, MIB, 0, null).build();
        assertEquals(8192, d.findByName("fixed").orElseThrow().firstLba());
        assertEquals(16384, d.findByName("next").orElseThrow().firstLba());
    }
}
