package org.liveng.format.fat;

import org.liveng.testing.MemoryChannel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.medium.Content;
import org.liveng.api.medium.FileSpec;

/** Writer rules, planner and in-memory round trips. */
class FatWriterTest {

    @ParameterizedTest(name = "{0} bytes -> {1} with {2}-byte clusters")
    @CsvSource({
        "1048576, FAT12, 2048",
        "8388608, FAT12, 2048",
        "16777216, FAT16, 2048",
        "33554432, FAT16, 2048",
        "67108864, FAT32, 512",
        "272629760, FAT32, 512",
        "536870912, FAT32, 4096",
        "10737418240, FAT32, 8192",
    })
    void chooseFollowsMkfsRules(long bytes, FatType type, int cluster) throws Exception {
        FatGeometry g = FatGeometry.choose(bytes, null, 0, 512);
        assertEquals(type, g.type());
        assertEquals(cluster, g.bytesPerCluster());
        assertTrue(g.valid());
        assertEquals(0, g.firstDataSector() % g.sectorsPerCluster(), "data area aligned to the cluster size");
    }

    @Test
    void impossibleTypeIsAUsageError() {
        LivengException e = assertThrows(LivengException.class, () -> FatGeometry.choose(16 * FatFixtures.MIB, FatType.FAT32, 0, 512));
        assertEquals(ErrorCodes.USAGE, e.code());
        assertTrue(e.getMessage().contains("65525"), e.getMessage());
    }

    @Test
    void plannerSizeIsExact() throws Exception {
        Map<String, byte[]> tree = FatFixtures.tree(9, 20_000_000, 4096, 30);
        List<FileSpec> specs = FatFixtures.specs(tree);
        FatOptions o = FatFixtures.options().withType(FatType.FAT32).withBytesPerCluster(4096);
        long min = FatPlanner.minimumSize(specs, o);
        FatWriter.write(new MemoryChannel(), 0, min, specs, o);
        LivengException e = assertThrows(LivengException.class, () -> FatWriter.write(new MemoryChannel(), 0, min - 512, specs, o));
        assertTrue(e.code().equals(ErrorCodes.PREFLIGHT) || e.code().equals(ErrorCodes.USAGE), e.code());
        // FAT32 with 512-byte clusters is bounded below by 65525 clusters
        assertTrue(FatPlanner.minimumSize(List.of(), FatFixtures.options().withType(FatType.FAT32).withBytesPerCluster(512))
                > 65525L * 512);
    }

    @Test
    void tooManyFilesSayHowMuchIsNeeded() {
        List<FileSpec> specs = List.of(new FileSpec("/big.bin", Content.of(new byte[70_000_000], "big")));
        LivengException e = assertThrows(LivengException.class,
                () -> FatWriter.write(new MemoryChannel(), 0, 64 * FatFixtures.MIB, specs, FatFixtures.options()));
        assertEquals(ErrorCodes.PREFLIGHT, e.code());
        assertTrue(e.getMessage().contains("at least"), e.getMessage());
    }

    @Test
    void namesDifferingOnlyInCaseAreRefused() {
        List<FileSpec> specs = List.of(new FileSpec("/EFI/a.txt", Content.of(new byte[1], "a")),
                new FileSpec("/efi/b.txt", Content.of(new byte[1], "b")));
        LivengException e = assertThrows(LivengException.class,
                () -> FatWriter.write(new MemoryChannel(), 0, 4 * FatFixtures.MIB, specs, FatFixtures.options()));
        assertEquals(ErrorCodes.USAGE, e.code());
        assertTrue(e.getMessage().contains("differ only in case"), e.getMessage());
    }

    @Test
    void badPathsAreRefused() {
        for (String p : List.of("/a//b", "/a/", "/a/./b", "/x:y", "/dup", "/dup/x")) {
            List<FileSpec> specs = p.equals("/dup/x")
                    ? List.of(new FileSpec("/dup", Content.of(new byte[1], "")), new FileSpec(p, Content.of(new byte[1], "")))
                    : List.of(new FileSpec(p, Content.of(new byte[1], "")), new FileSpec(p, Content.of(new byte[1], "")));
            assertEquals(ErrorCodes.USAGE, assertThrows(LivengException.class,
                    () -> FatWriter.write(new MemoryChannel(), 0, 4 * FatFixtures.MIB, specs, FatFixtures.options())).code(), p);
        }
    }

    @Test
    void lyingContentIsAnIoError() {
        Content liar = new Content() {
            @Override
            public long size() {
                return 100;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(new byte[99]);
            }

            @Override
            public String describe() {
                return "liar";
            }
        };
        LivengException e = assertThrows(LivengException.class, () -> FatWriter.write(new MemoryChannel(), 0, 4 * FatFixtures.MIB,
                List.of(new FileSpec("/x", liar)), FatFixtures.options()));
        assertEquals(ErrorCodes.IO, e.code());
    }

    @Test
    void writesAtAnOffsetAndReadsBack() throws Exception {
        Map<String, byte[]> tree = new LinkedHashMap<>();
        tree.put("/EFI/BOOT/BOOTX64.EFI", new byte[3000]);
        tree.put("/boot/grub/grubenv", FatFixtures.grubenv(""));
        MemoryChannel ch = new MemoryChannel();
        long off = FatFixtures.MIB;
        FatWriter.write(ch, off, 34 * FatFixtures.MIB, FatFixtures.specs(tree), FatFixtures.options().withHiddenSectors(2048));
        try (FatReader r = FatReader.open(ch, off, "mem")) {
            assertEquals(FatType.FAT32, r.type());
            assertEquals(2048, r.bootSector().hiddenSectors());
            assertArrayEquals(tree.get("/boot/grub/grubenv"), r.read("/BOOT/GRUB/GRUBENV", 1024));
            FsInfo info = r.fsInfo().orElseThrow();
            assertEquals(r.clusterCount() - 5 - 6 - 2, info.freeCount()); // 5 directories, 6 + 2 file clusters
            assertEquals("LIVENG ESP", r.label());
        }
    }

    @Test
    void unlabeledVolumeSaysNoName() throws Exception {
        MemoryChannel ch = new MemoryChannel();
        FatWriter.write(ch, 0, 4 * FatFixtures.MIB, List.of(), FatOptions.of("", 1, 0));
        try (FatReader r = FatReader.open(ch, 0, "mem")) {
            assertEquals("", r.label());
            assertEquals(BootSector.NO_NAME, r.bootSector().volumeLabel());
            assertEquals(0, r.walk().size());
        }
    }
}
