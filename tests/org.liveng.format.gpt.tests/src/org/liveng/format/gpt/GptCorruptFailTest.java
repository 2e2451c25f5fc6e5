package org.liveng.format.gpt;

import org.liveng.testing.MemoryChannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.liveng.format.gpt.GptFixtures.MIB;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.liveng.api.FormatException;
import org.liveng.api.Problem;

/** Damaged and hostile tables: read from the surviving copy with a problem, or refused with a FormatException. */
class GptCorruptFailTest {
    private static final int SS = 512;

    private static GptDisk disk() throws Exception {
        return GptFixtures.smallDisk(SS);
    }

    private static FormatException refused(byte[] image) {
        return assertThrows(FormatException.class, () -> GptFixtures.read(image, SS));
    }

    @Test
    void primaryHeaderCrcFailReadsFromBackup() throws Exception {
        GptDisk disk = disk();
        byte[] image = GptFixtures.image(disk);
        int stored = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).getInt(SS + 16);
        image[SS + 40] ^= 0x01; // FirstUsableLBA, CRC now wrong
        GptReadResult r = GptFixtures.read(image, SS);
        assertEquals(disk, r.disk());
        assertTrue(r.usedBackup() && r.backupValid() && r.hasErrors());
        List<Problem> p = r.problems(GptReader.PRIMARY_DAMAGED);
        assertEquals(1, p.size(), r.problems().toString());
        assertEquals(Problem.Severity.ERROR, p.get(0).severity());
        String expected = String.format("GPT header CRC mismatch at LBA 1: expected 0x%08X, computed 0x", stored);
        assertTrue(p.get(0).message().startsWith(expected), p.get(0).message());
        assertTrue(Pattern.compile("computed 0x[0-9A-F]{8} \\(byte offset 528\\)").matcher(p.get(0).message()).find(),
                p.get(0).message());
    }

    @Test
    void backupHeaderDamagedIsAWarning() throws Exception {
        GptDisk disk = disk();
        byte[] image = GptFixtures.image(disk);
        image[image.length - SS + 3] = 'X'; // signature
        GptReadResult r = GptFixtures.read(image, SS);
        assertEquals(disk, r.disk());
        assertFalse(r.hasErrors());
        assertTrue(r.primaryValid() && !r.backupValid());
        Problem p = r.problems(GptReader.BACKUP_DAMAGED).get(0);
        assertEquals(Problem.Severity.WARNING, p.severity());
        assertTrue(p.message().startsWith("GPT header signature at LBA 16383: expected \"EFI PART\", found \"EFIXPART\""),
                p.message());
    }

    @Test
    void bothHeadersFail() throws Exception {
        byte[] image = GptFixtures.image(disk());
        image[SS + 40] ^= 0x01;
        image[image.length - SS + 40] ^= 0x01;
        FormatException e = refused(image);
        assertEquals(SS + 16, e.offset());
        assertTrue(e.getMessage().startsWith("no valid GPT on a disk of 16384 sectors of 512 bytes: primary: GPT header CRC"
                + " mismatch at LBA 1: expected 0x"), e.getMessage());
        assertTrue(e.getMessage().contains("; backup: GPT header CRC mismatch at LBA 16383: expected 0x"), e.getMessage());
    }

    @Test
    void blankDiskFail() {
        FormatException e = refused(new byte[(int) MIB]);
        assertTrue(e.getMessage().contains("found zeros (no GPT header)"), e.getMessage());
    }

    @Test
    void entryArrayCrcFail() throws Exception {
        GptDisk disk = disk();
        byte[] image = GptFixtures.image(disk);
        image[2 * SS + 56] ^= 0x20; // a letter of the first partition's name in the primary array
        GptReadResult r = GptFixtures.read(image, SS);
        assertEquals(disk, r.disk());
        String m = r.problems(GptReader.PRIMARY_DAMAGED).get(0).message();
        assertTrue(m.startsWith("GPT partition entry array CRC mismatch at LBA 2: expected 0x"), m);
        // the same damage in the backup array too: nothing left
        long backupArray = (disk.totalSectors() - 33) * SS;
        image[(int) backupArray + 56] ^= 0x20;
        FormatException e = refused(image);
        assertEquals(2 * SS, e.offset());
        assertTrue(e.getMessage().contains("backup: GPT partition entry array CRC mismatch at LBA 16351"), e.getMessage());
    }

    @Test
    void overlappingPartitionsFail() throws Exception {
        byte[] image = GptFixtures.image(disk());
        // second entry starts inside the first one, in both copies with valid CRCs
        GptFixtures.rewriteArrays(image, SS, a -> a.putLong(128 + 32, 3000));
        FormatException e = refused(image);
        assertTrue(e.getMessage().contains("primary: GPT partition entry array at LBA 2: partition 1 'LIVENG_EFI'"), e.getMessage());
        assertTrue(e.getMessage().contains("partition 2 'BIOS boot' (BIOS boot (21686148-6449-6E6F-744E-656564454649),"
                + " LBA 3000..8191) overlap"), e.getMessage());
        assertEquals(2 * SS, e.offset());
    }

    @Test
    void partitionLbaBeyondDiskFail() throws Exception {
        byte[] image = GptFixtures.image(disk());
        GptFixtures.rewriteArrays(image, SS, a -> a.putLong(2 * 128 + 40, 99_999_999L));
        FormatException e = refused(image);
        assertEquals(2 * SS + 2 * 128 + 40, e.offset());
        assertTrue(e.getMessage().contains("GPT partition entry 3 'persistence' at byte 1280: EndingLBA 99999999 is beyond"
                + " the last LBA 16383 of the disk"), e.getMessage());
        byte[] outside = GptFixtures.image(disk());
        GptFixtures.rewriteArrays(outside, SS, a -> a.putLong(2 * 128 + 40, 16360));
        assertTrue(refused(outside).getMessage().contains("is outside the usable range LBA 34..16350"));
        byte[] negative = GptFixtures.image(disk());
        GptFixtures.rewriteArrays(negative, SS, a -> a.putLong(32, -1L));
        assertTrue(refused(negative).getMessage().contains("StartingLBA 18446744073709551615 is beyond"));
        byte[] reversed = GptFixtures.image(disk());
        GptFixtures.rewriteArrays(reversed, SS, a -> a.putLong(40, 100));
        assertTrue(refused(reversed).getMessage().contains("EndingLBA 100 is before StartingLBA 2048"));
    }

    @Test
    void hugeEntryCountFail() throws Exception {
        byte[] image = GptFixtures.image(disk());
        for (long lba : new long[] {1, 16383}) {
            GptFixtures.rewriteHeader(image, SS, lba, h -> GptFixtures.with(h, h.alternateLba(), h.firstUsableLba(),
                    h.lastUsableLba(), h.partitionEntryLba(), 0xFFFF_FFFFL, 128));
        }
        FormatException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> refused(image));
        assertEquals(SS + 80, e.offset());
        assertTrue(e.getMessage().contains("NumberOfPartitionEntries 4294967295 of 128 bytes each, expected 1..8192"),
                e.getMessage());
    }

    @Test
    void entrySizeFail() throws Exception {
        for (long size : new long[] {0, 64, 100, 129, 384, 0xFFFF_FFFFL, 2L << 20}) {
            byte[] image = GptFixtures.image(disk());
            for (long lba : new long[] {1, 16383}) {
                GptFixtures.rewriteHeader(image, SS, lba, h -> GptFixtures.with(h, h.alternateLba(), h.firstUsableLba(),
                        h.lastUsableLba(), h.partitionEntryLba(), 1, size));
            }
            FormatException e = refused(image);
            assertEquals(SS + 84, e.offset());
            assertTrue(e.getMessage().contains("SizeOfPartitionEntry expected 128 * 2^n"), e.getMessage());
        }
    }

    @Test
    void largerEntrySizeIsReadAsTheSpecAllows() throws Exception {
        // UEFI 2.10 §5.3.2: SizeOfPartitionEntry is 128 * 2^n; only the first 128 bytes are defined
        GptDisk disk = disk();
        byte[] image = GptFixtures.image(disk);
        GptFixtures.rewriteArrays(image, SS, a -> {
            byte[] copy = new byte[256 * 64];
            for (int i = 0; i < 64; i++) {
                a.get(i * 128, copy, i * 256, 128);
            }
            a.put(0, copy);
        });
        for (long lba : new long[] {1, 16383}) {
            GptFixtures.rewriteHeader(image, SS, lba, h -> GptFixtures.with(h, h.alternateLba(), h.firstUsableLba(),
                    h.lastUsableLba(), h.partitionEntryLba(), 64, 256));
        }
        GptReadResult r = GptFixtures.read(image, SS);
        assertEquals(disk.partitions(), r.disk().partitions());
        assertEquals(List.of(), r.problems());
    }

    @Test
    void headerFieldsOutsideDiskFail() throws Exception {
        record Case(String message, int offset, java.util.function.UnaryOperator<GptHeader> change) {
        }
        List<Case> cases = List.of(
                new Case("AlternateLBA 99999 is beyond the last LBA 16383", 32,
                        h -> GptFixtures.with(h, 99999, h.firstUsableLba(), h.lastUsableLba(), h.partitionEntryLba(), 128, 128)),
                new Case("LastUsableLBA 70000 is beyond the last LBA 16383", 48,
                        h -> GptFixtures.with(h, h.alternateLba(), h.firstUsableLba(), 70000, h.partitionEntryLba(), 128, 128)),
                new Case("partition entry array at LBA 16380 (32 sectors) is beyond", 72,
                        h -> GptFixtures.with(h, h.alternateLba(), h.firstUsableLba(), h.lastUsableLba(), 16380, 128, 128)),
                new Case("partition entry array LBA 20..51 overlaps the usable range LBA 34..16350", 72,
                        h -> GptFixtures.with(h, h.alternateLba(), h.firstUsableLba(), h.lastUsableLba(), 20, 128, 128)),
                new Case("partition entry array LBA 1..32 covers the header itself", 72,
                        h -> GptFixtures.with(h, h.alternateLba(), h.firstUsableLba(), h.lastUsableLba(), 1, 128, 128)),
                new Case("LastUsableLBA 30 is before FirstUsableLBA 34", 48,
                        h -> GptFixtures.with(h, h.alternateLba(), h.firstUsableLba(), 30, h.partitionEntryLba(), 128, 128)));
        for (Case c : cases) {
            byte[] image = GptFixtures.image(disk());
            GptFixtures.rewriteHeader(image, SS, 1, c.change);
            GptReadResult r = GptFixtures.read(image, SS);
            assertTrue(r.usedBackup(), c.message);
            String m = r.problems(GptReader.PRIMARY_DAMAGED).get(0).message();
            assertTrue(m.contains(c.message) && m.contains("(byte offset " + (SS + c.offset) + ")"), m);
        }
    }

    @Test
    void myLbaAndRevisionAndHeaderSizeFail() throws Exception {
        byte[] image = GptFixtures.image(disk());
        GptFixtures.rewriteHeader(image, SS, 1, h -> new GptHeader(h.revision(), h.headerSize(), 0, 0, 7, h.alternateLba(),
                h.firstUsableLba(), h.lastUsableLba(), h.diskGuid(), h.partitionEntryLba(), 128, 128, h.partitionEntryArrayCrc32()));
        assertTrue(GptFixtures.read(image, SS).problems().get(0).message().contains("MyLBA is 7, expected 1"));
        byte[] rev = GptFixtures.image(disk());
        ByteBuffer.wrap(rev).order(ByteOrder.LITTLE_ENDIAN).putInt(SS + 8, 0x00020000);
        assertTrue(GptFixtures.read(rev, SS).problems().get(0).message()
                .contains("GPT header revision at LBA 1: expected 0x00010000 (1.0), found 0x00020000"));
        byte[] size = GptFixtures.image(disk());
        ByteBuffer.wrap(size).order(ByteOrder.LITTLE_ENDIAN).putInt(SS + 12, 4096);
        assertTrue(GptFixtures.read(size, SS).problems().get(0).message()
                .contains("GPT HeaderSize at LBA 1: expected 92..512 (the block size), found 4096"));
    }

    @Test
    void truncatedImageFail() throws Exception {
        byte[] full = GptFixtures.image(disk());
        // the image lost its end: the primary points beyond it and the backup is gone
        FormatException e = refused(Arrays.copyOf(full, (int) (4 * MIB)));
        assertEquals(SS + 32, e.offset());
        assertTrue(e.getMessage().contains("AlternateLBA 16383 is beyond the last LBA 8191 of the disk (truncated image"),
                e.getMessage());
        // the channel is shorter than the size the caller claims
        FormatException s = assertThrows(FormatException.class,
                () -> GptReader.read(new MemoryChannel(Arrays.copyOf(full, 3 * SS)), full.length, SS));
        assertTrue(s.getMessage().contains("short read: the disk ends at byte 1536"), s.getMessage());
        FormatException tiny = refused(Arrays.copyOf(full, 1000));
        assertTrue(tiny.getMessage().contains("too small for a GPT"), tiny.getMessage());
    }

    /**
     * Bit flips over the first and last 34 sectors; every other iteration also repairs the CRCs
     * so that the checks behind them get exercised. Only a FormatException or a result is allowed.
     */
    @Test
    void seededFuzzFailsOnlyCleanly() throws Exception {
        GptDisk disk = disk();
        byte[] base = GptFixtures.image(disk);
        int region = 34 * SS;
        int[] outcomes = new int[3];
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Random rnd = new Random(0x6A7_F022L);
            for (int it = 0; it < 600; it++) {
                byte[] img = base.clone();
                int flips = 1 + rnd.nextInt(12);
                for (int f = 0; f < flips; f++) {
                    int pos = rnd.nextInt(2 * region);
                    int at = pos < region ? pos : img.length - 2 * region + pos;
                    img[at] ^= (byte) (1 << rnd.nextInt(8));
                }
                if (it % 2 == 1) {
                    repairCrcs(img, 1);
                    repairCrcs(img, img.length / SS - 1);
                }
                try {
                    GptReadResult r = GptFixtures.read(img, SS);
                    checkInvariants(r.disk());
                    outcomes[r.isClean() ? 0 : 1]++;
                } catch (FormatException e) {
                    assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
                    assertTrue(e.offset() >= -1 && e.offset() < img.length, "offset " + e.offset());
                    outcomes[2]++;
                } catch (RuntimeException | Error e) {
                    throw new AssertionError("iteration " + it + ": " + e, e);
                }
            }
        });
        assertTrue(outcomes[1] > 0 && outcomes[2] > 0, Arrays.toString(outcomes));
    }

    private static void checkInvariants(GptDisk d) {
        for (GptPartition p : d.partitions()) {
            if (p.firstLba() < d.firstUsableLba() || p.lastLba() > d.lastUsableLba() || p.lastLba() >= d.totalSectors()) {
                fail(p.describe() + " outside " + d);
            }
        }
        if (!GptDisk.overlaps(d.partitions()).isEmpty()) {
            fail("overlaps in " + d);
        }
    }

    /** Recomputes array and header CRC where the (possibly flipped) header makes that possible. */
    private static void repairCrcs(byte[] img, long lba) {
        int off = (int) (lba * SS);
        ByteBuffer le = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        long entryLba = le.getLong(off + 72);
        long count = le.getInt(off + 80) & 0xFFFF_FFFFL;
        long size = le.getInt(off + 84) & 0xFFFF_FFFFL;
        long bytes = count * size;
        if (entryLba > 0 && bytes > 0 && bytes <= (1 << 20) && entryLba * SS + bytes <= img.length) {
            le.putInt(off + 88, GptHeader.crc32(img, (int) (entryLba * SS), (int) bytes));
        }
        int hs = le.getInt(off + 12);
        if (hs >= 92 && hs <= SS) {
            byte[] h = Arrays.copyOfRange(img, off, off + hs);
            Arrays.fill(h, 16, 20, (byte) 0);
            le.putInt(off + 16, GptHeader.crc32(h, 0, hs));
        }
    }
}
