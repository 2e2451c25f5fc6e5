package org.liveng.format.gpt;

import org.liveng.testing.MemoryChannel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.liveng.format.gpt.GptFixtures.MIB;
import static org.liveng.format.gpt.GptFixtures.SEED;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.liveng.api.ErrorCodes;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;

class GptWriterReaderTest {

    @ParameterizedTest
    @ValueSource(ints = {512, 4096})
    void roundTripsInMemory(int ss) throws Exception {
        byte[] boot = new byte[440];
        Arrays.fill(boot, (byte) 0xEB);
        GptDisk disk = new GptLayoutBuilder(8 * MIB, ss).seed(SEED).mbrBootCode(boot).mbrDiskSignature(0x1234ABCD)
                .add("LIVENG_EFI", PartitionTypes.EFI_SYSTEM, 2 * MIB, GptAttributes.of(0, 1, 2, 48, 63), null)
                .add("\u00e9t\u00e9 \uD83D\uDE00", PartitionTypes.MICROSOFT_BASIC_DATA, MIB, 0, null)
                .addRest("x".repeat(36), PartitionTypes.LINUX_LUKS, 0, null).build();
        GptReadResult r = GptFixtures.read(GptFixtures.image(disk), ss);
        assertEquals(List.of(), r.problems());
        assertTrue(r.primaryValid() && r.backupValid() && !r.usedBackup());
        assertEquals(disk, r.disk());
        assertArrayEquals(boot, r.disk().mbrBootCode());
        assertEquals(0x1234ABCD, r.disk().mbrDiskSignature());
    }

    @Test
    void regionsAreTheTableAreasAndNothingElse() throws Exception {
        GptDisk disk = GptFixtures.smallDisk(512);
        List<GptRegion> regions = GptWriter.bytesFor(disk);
        long last = disk.totalSectors() - 1;
        assertEquals(List.of("protective MBR", "primary GPT header", "primary partition entry array",
                "backup partition entry array", "backup GPT header"), regions.stream().map(GptRegion::what).toList());
        assertEquals(List.of(0L, 512L, 1024L, (last - 32) * 512, last * 512), regions.stream().map(GptRegion::offset).toList());
        assertEquals(List.of(512, 512, 16384, 16384, 512), regions.stream().map(GptRegion::length).toList());
        assertEquals(disk.sizeBytes(), regions.get(4).end());

        byte[] image = GptFixtures.image(disk);
        for (GptRegion g : regions) {
            assertArrayEquals(g.bytes(), Arrays.copyOfRange(image, (int) g.offset(), (int) g.end()), g.what());
        }
        // nothing outside the regions is written
        int written = regions.stream().mapToInt(GptRegion::length).sum();
        int nonZeroOutside = 0;
        for (int i = 0; i < image.length; i++) {
            final int at = i;
            if (image[i] != 0 && regions.stream().noneMatch(g -> at >= g.offset() && at < g.end())) {
                nonZeroOutside++;
            }
        }
        assertEquals(0, nonZeroOutside);
        assertTrue(written < image.length);
    }

    @Test
    void protectiveMbrFields() throws Exception {
        GptDisk disk = GptFixtures.smallDisk(512);
        byte[] image = GptFixtures.image(disk);
        ByteBuffer le = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xAA55, le.getShort(510) & 0xFFFF);
        assertEquals(0x00, image[446]);
        assertEquals(0x000200, (image[447] & 0xFF) | (image[448] & 0xFF) << 8 | (image[449] & 0xFF) << 16);
        assertEquals(0xEE, image[450] & 0xFF);
        assertEquals(1, le.getInt(454));
        assertEquals(disk.totalSectors() - 1, le.getInt(458));
        for (int i = 462; i < 510; i++) {
            assertEquals(0, image[i], "byte " + i);
        }
        ProtectiveMbr mbr = ProtectiveMbr.parse(image);
        assertEquals(List.of(), mbr.problems(disk.totalSectors()));
        assertEquals(MbrPartitionRecord.chs(disk.totalSectors() - 1), mbr.partitionRecords().get(0).endingChs());
    }

    @Test
    void protectiveMbrSizeIsCappedForHugeDisks() throws Exception {
        // 3 TiB: more LBAs than 32 bits hold; bytesFor needs no channel
        GptDisk disk = new GptLayoutBuilder(3L << 40, 512).seed(SEED)
                .addRest("persistence", PartitionTypes.LINUX_FILESYSTEM, 0, null).build();
        byte[] lba0 = GptWriter.bytesFor(disk).get(0).bytes();
        MbrPartitionRecord r = ProtectiveMbr.parse(lba0).partitionRecords().get(0);
        assertEquals(0xFFFF_FFFFL, r.sizeInLba());
        assertEquals(MbrPartitionRecord.CHS_NOT_REPRESENTABLE, r.endingChs());
        assertEquals(List.of(), ProtectiveMbr.parse(lba0).problems(disk.totalSectors()));
    }

    @Test
    void sameLayoutAndSeedGiveIdenticalBytes() throws Exception {
        // every byte the writer writes is in its regions (see regionsAreTheTableAreasAndNothingElse)
        List<GptRegion> a = GptWriter.bytesFor(GptFixtures.livengLayout(1024 * MIB, 512, SEED).build());
        List<GptRegion> b = GptWriter.bytesFor(GptFixtures.livengLayout(1024 * MIB, 512, SEED.clone()).build());
        assertEquals(a, b);
        assertEquals(a.stream().map(GptRegion::sha256).toList(), b.stream().map(GptRegion::sha256).toList());
        List<GptRegion> c = GptWriter.bytesFor(GptFixtures.livengLayout(1024 * MIB, 512, "other".getBytes(StandardCharsets.UTF_8)).build());
        assertNotEquals(a, c);
        assertArrayEquals(GptFixtures.image(GptFixtures.smallDisk(4096)), GptFixtures.image(GptFixtures.smallDisk(4096)));
        GptDisk unseeded1 = new GptLayoutBuilder(8 * MIB, 512).addRest("p", PartitionTypes.LINUX_FILESYSTEM, 0, null).build();
        GptDisk unseeded2 = new GptLayoutBuilder(8 * MIB, 512).addRest("p", PartitionTypes.LINUX_FILESYSTEM, 0, null).build();
        assertNotEquals(unseeded1.diskGuid(), unseeded2.diskGuid());
        assertEquals(GptWriter.bytesFor(unseeded1), GptWriter.bytesFor(unseeded1));
    }

    @Test
    void verifyFindsTheFirstDifferentByte() throws Exception {
        GptDisk disk = GptFixtures.smallDisk(512);
        byte[] image = GptFixtures.image(disk);
        GptWriter.verify(new MemoryChannel(image), disk);
        long backupHeader = (disk.totalSectors() - 1) * 512;
        image[(int) backupHeader + 60] ^= 1;
        FormatException e = assertThrows(FormatException.class, () -> GptWriter.verify(new MemoryChannel(image), disk));
        assertEquals(backupHeader + 60, e.offset());
        assertTrue(e.getMessage().startsWith("backup GPT header differs at byte"), e.getMessage());
        FormatException shortImage = assertThrows(FormatException.class, () -> GptWriter.verify(
                new MemoryChannel(Arrays.copyOf(image, image.length - 512)), disk));
        assertTrue(shortImage.getMessage().contains("disk ends"), shortImage.getMessage());
    }

    @Test
    void writerRefusesInvalidDisksAndLargerTargets() throws Exception {
        GptDisk good = GptFixtures.smallDisk(512);
        GptPartition p = good.partitions().get(0);
        GptDisk overlapping = new GptDisk(512, good.totalSectors(), good.diskGuid(), 34, good.lastUsableLba(),
                List.of(p, new GptPartition(2, p.typeGuid(), Guid.random(), p.lastLba(), p.lastLba() + 10, 0, "b")), null, 0);
        LivengException e = assertThrows(LivengException.class, () -> GptWriter.bytesFor(overlapping));
        assertEquals(ErrorCodes.PREFLIGHT, e.code());
        assertTrue(e.getMessage().contains("overlap"), e.getMessage());
        GptDisk intoTable = new GptDisk(512, good.totalSectors(), good.diskGuid(), 20, good.lastUsableLba(), List.of(), null, 0);
        assertTrue(assertThrows(LivengException.class, () -> GptWriter.bytesFor(intoTable)).getMessage()
                .contains("FirstUsableLBA 20 is inside the primary GPT"));
        MemoryChannel bigger = MemoryChannel.ofSize(good.sizeBytes() + 512);
        assertTrue(assertThrows(LivengException.class, () -> GptWriter.write(bigger, good)).getMessage()
                .contains("does not fit"));
        assertEquals(0, bigger.position());
    }

    @Test
    void readerDetectsSectorSizeAndHintsAtIt() throws Exception {
        byte[] image = GptFixtures.image(GptFixtures.smallDisk(4096));
        assertEquals(4096, GptReader.detectSectorSize(new MemoryChannel(image), image.length).getAsInt());
        assertEquals(512, GptReader.detectSectorSize(new MemoryChannel(GptFixtures.image(GptFixtures.smallDisk(512))),
                8 * MIB).getAsInt());
        FormatException e = assertThrows(FormatException.class, () -> GptFixtures.read(image, 512));
        assertTrue(e.getMessage().contains("is the sector size 4096?"), e.getMessage());
        assertTrue(GptReader.detectSectorSize(MemoryChannel.ofSize(MIB), MIB).isEmpty());
    }

    @Test
    void noBootCodeReadsAsNullAndForeignMbrIsAWarning() throws Exception {
        GptDisk disk = GptFixtures.smallDisk(512);
        byte[] image = GptFixtures.image(disk);
        assertNull(GptFixtures.read(image, 512).disk().mbrBootCode());
        image[450] = 0x07; // the 0xEE record becomes an NTFS one
        GptReadResult r = GptFixtures.read(image, 512);
        assertEquals(disk, r.disk());
        assertEquals(1, r.problems(GptReader.MBR_NOT_PROTECTIVE).size(), r.problems().toString());
        assertFalse(r.hasErrors());
    }

    @Test
    void readsAnEnlargedDiskWithAWarning() throws Exception {
        GptDisk disk = GptFixtures.smallDisk(512);
        byte[] image = Arrays.copyOf(GptFixtures.image(disk), (int) (disk.sizeBytes() + MIB));
        GptReadResult r = GptFixtures.read(image, 512);
        assertEquals(disk.partitions(), r.disk().partitions());
        assertEquals(1, r.problems(GptReader.BACKUP_NOT_AT_END).size(), r.problems().toString());
        assertTrue(r.backupValid());
    }

    @Test
    void ambiguousNamesAreReportedAndNeverGuessed() throws Exception {
        GptDisk d = new GptDisk(512, 16384, Guid.random(), 34, 16384 - 34, List.of(
                new GptPartition(1, PartitionTypes.LINUX_FILESYSTEM, Guid.random(), 2048, 4095, 0, "same"),
                new GptPartition(2, PartitionTypes.LINUX_FILESYSTEM, Guid.random(), 4096, 6143, 0, "same")), null, 0);
        GptReadResult r = GptFixtures.read(GptFixtures.image(d), 512);
        assertEquals(1, r.problems(GptReader.DUPLICATE).size());
        assertThrows(IllegalStateException.class, () -> r.disk().findByName("same"));
        assertEquals(2, r.disk().findAllByName("same").size());
    }
}
