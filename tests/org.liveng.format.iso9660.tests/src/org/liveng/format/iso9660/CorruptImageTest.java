package org.liveng.format.iso9660;

import org.liveng.testing.MemoryChannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.FormatException;

/** Real xorriso images with bytes patched: every failure must be a clean FormatException. */
class CorruptImageTest {
    static final int SECTOR = 2048;
    static final long PVD = 16L * SECTOR;

    @TempDir
    static Path tmp;
    static byte[] pristine;
    static byte[] relocated;
    static byte[] boot;

    @BeforeAll
    static void images() throws IOException {
        Path src = IsoFixtures.standardTree(tmp.resolve("src"));
        pristine = Files.readAllBytes(IsoFixtures.mkisofs(tmp.resolve("p.iso"), src, "-R", "-J", "-joliet-long", "-no-pad"));
        Path reloc = tmp.resolve("reloc.iso");
        IsoFixtures.xorriso("-compliance", "deep_paths_off", "-outdev", reloc.toString(), "-map", src.toString(), "/", "-commit");
        relocated = Files.readAllBytes(reloc);
        Path b = tmp.resolve("boot");
        IsoFixtures.write(b.resolve("isolinux/isolinux.bin"), IsoFixtures.content(new Random(1), 2048), "rw-r--r--");
        IsoFixtures.write(b.resolve("efi.img"), IsoFixtures.content(new Random(2), 8192), "rw-r--r--");
        boot = Files.readAllBytes(IsoFixtures.mkisofs(tmp.resolve("b.iso"), b, "-R", "-no-pad", "-b", "isolinux/isolinux.bin",
                "-no-emul-boot", "-boot-load-size", "4", "-eltorito-alt-boot", "-e", "efi.img", "-no-emul-boot"));
    }

    static IsoImage open(byte[] image) throws Exception {
        return IsoImage.open(new MemoryChannel(image), "test.iso");
    }

    static IsoImage open(byte[] image, Namespace ns) throws Exception {
        return IsoImage.open(new MemoryChannel(image), "test.iso", ns);
    }

    /** Opening must fail quickly with a FormatException; returns it. */
    static FormatException expectFail(byte[] image) {
        return expectFail(() -> open(image).close());
    }

    static FormatException expectFail(Executable e) {
        FormatException ex = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(FormatException.class, e));
        assertTrue(ex.getMessage().startsWith("test.iso: "), ex.getMessage());
        return ex;
    }

    static void putBoth32(byte[] img, long at, long v) {
        ByteBuffer b = ByteBuffer.wrap(img);
        b.order(ByteOrder.LITTLE_ENDIAN).putInt((int) at, (int) v);
        b.order(ByteOrder.BIG_ENDIAN).putInt((int) at + 4, (int) v);
    }

    static long recordOf(byte[] image, String path) throws Exception {
        try (IsoImage img = open(image)) {
            return img.lookup(path).orElseThrow().recordOffset();
        }
    }

    static long rootBlock(byte[] image) throws Exception {
        try (IsoImage img = open(image)) {
            return img.primary().rootDirectoryRecord().extentLocation();
        }
    }

    /** Offset of the first SUSP entry with the given signature in the record's system use area. */
    static long suspEntry(byte[] image, long record, String sig) {
        int len = image[(int) record] & 0xFF;
        int idLen = image[(int) record + 32] & 0xFF;
        int pos = 33 + idLen + ((idLen & 1) == 0 ? 1 : 0);
        while (pos + 4 <= len) {
            int at = (int) record + pos;
            if (image[at] == sig.charAt(0) && image[at + 1] == sig.charAt(1)) {
                return at;
            }
            int l = image[at + 2] & 0xFF;
            if (l < 4) {
                break;
            }
            pos += l;
        }
        return fail("no " + sig + " entry in the record at " + record);
    }

    @Test
    void pristineImagesOpen() throws Exception {
        try (IsoImage img = open(pristine)) {
            assertTrue(img.walk().size() > 300);
        }
        try (IsoImage img = open(boot)) {
            assertEquals(2, img.bootCatalog().size());
        }
    }

    @Test
    void notAnIsoFail() {
        FormatException e = expectFail(new byte[64 * 1024]);
        assertEquals(PVD + 1, e.offset());
        assertTrue(e.getMessage().contains("expected 'CD001'"), e.getMessage());
    }

    @Test
    void truncatedImageFail() {
        byte[] shortHead = java.util.Arrays.copyOf(pristine, 30_000);
        FormatException e = expectFail(shortHead);
        assertTrue(e.getMessage().contains("too short"), e.getMessage());

        byte[] half = java.util.Arrays.copyOf(pristine, pristine.length / 2);
        e = expectFail(half);
        assertEquals(half.length, e.offset());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        byte[] noTerminator = java.util.Arrays.copyOf(pristine, (int) PVD + SECTOR);
        e = expectFail(noTerminator);
        assertTrue(e.getMessage().contains("terminator"), e.getMessage());
    }

    @Test
    void truncatedBelowVolumeSpaceSizeButPatchedFail() {
        // an image cut short whose PVD was patched to claim the shorter size: the file extents lie outside
        byte[] img = java.util.Arrays.copyOf(pristine, pristine.length - 50 * SECTOR);
        putBoth32(img, PVD + 80, img.length / SECTOR);
        FormatException e = expectFail(img);
        assertTrue(e.getMessage().contains("beyond the end of the image"), e.getMessage());
        assertTrue(e.offset() >= 0 && e.offset() <= pristine.length, "offset " + e.offset());
    }

    @Test
    void badBothEndianFail() {
        byte[] img = pristine.clone();
        img[(int) PVD + 84 + 3] ^= 0x01; // big-endian half of the volume space size
        FormatException e = expectFail(img);
        assertEquals(PVD + 80, e.offset());
        assertTrue(e.getMessage().contains("volume space size"), e.getMessage());
    }

    @Test
    void badBlockSizeFail() {
        byte[] img = pristine.clone();
        img[(int) PVD + 128] = 0x00;
        img[(int) PVD + 128 + 3] = 0x00; // both halves 0
        img[(int) PVD + 129] = 0x00;
        img[(int) PVD + 130] = 0x00;
        FormatException e = expectFail(img);
        assertEquals(PVD + 128, e.offset());
    }

    @Test
    void shortDirectoryRecordFail() throws Exception {
        byte[] img = pristine.clone();
        long rec = recordOf(img, "/live");
        img[(int) rec] = 12;
        FormatException e = expectFail(img);
        assertEquals(rec, e.offset());
        assertTrue(e.getMessage().contains("directory record at offset 0x" + Long.toHexString(rec)
                + ": length 12 is below the minimum 34"), e.getMessage());
    }

    @Test
    void cyclicDirectoryFail() throws Exception {
        byte[] img = pristine.clone();
        long rec = recordOf(img, "/live");
        putBoth32(img, rec + 2, rootBlock(img));
        FormatException e = expectFail(img);
        assertEquals(rec, e.offset());
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }

    @Test
    void hugeDirectorySizeFail() throws Exception {
        byte[] img = pristine.clone();
        long rec = recordOf(img, "/many");
        putBoth32(img, rec + 10, 0xFFFF_F800L);
        FormatException e = expectFail(img);
        assertEquals(rec, e.offset());
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
        // within the per-directory limit but beyond the image: a range error, still no big allocation
        byte[] img2 = pristine.clone();
        putBoth32(img2, rec + 10, 30L << 20);
        e = expectFail(img2);
        assertTrue(e.getMessage().contains("beyond the end of the image"), e.getMessage());
    }

    @Test
    void extentBeyondImageFail() throws Exception {
        byte[] img = pristine.clone();
        long rec = recordOf(img, "/live/vmlinuz");
        putBoth32(img, rec + 2, 0x7FFF_0000L);
        FormatException e = expectFail(img);
        assertTrue(e.getMessage().contains("/live/vmlinuz"), e.getMessage());
        assertTrue(e.getMessage().contains("beyond the end of the image"), e.getMessage());
    }

    @Test
    void ceLoopFail() throws Exception {
        byte[] img = pristine.clone();
        long rec = recordOf(img, "/links/long");
        long ce = suspEntry(img, rec, "CE");
        ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        long block = b.getInt((int) ce + 4) & 0xFFFF_FFFFL;
        long off = b.getInt((int) ce + 12) & 0xFFFF_FFFFL;
        int area = (int) (block * SECTOR + off);
        // the continuation area now starts with a CE pointing at itself
        img[area] = 'C';
        img[area + 1] = 'E';
        img[area + 2] = 28;
        img[area + 3] = 1;
        putBoth32(img, area + 4, block);
        putBoth32(img, area + 12, off);
        putBoth32(img, area + 20, 28);
        // ... followed by an ST terminator, so the rest of the old area is not parsed
        img[area + 28] = 'S';
        img[area + 29] = 'T';
        img[area + 30] = 4;
        img[area + 31] = 1;
        FormatException e = expectFail(img);
        assertEquals(area, e.offset());
        assertTrue(e.getMessage().contains("CE loop"), e.getMessage());
    }

    @Test
    void ceOutOfRangeFail() throws Exception {
        byte[] img = pristine.clone();
        long rec = recordOf(img, "/links/long");
        long ce = suspEntry(img, rec, "CE");
        putBoth32(img, ce + 4, 0x00FF_FFFFL);
        FormatException e = expectFail(img);
        assertTrue(e.getMessage().contains("SUSP continuation area"), e.getMessage());
    }

    @Test
    void suspEntryLengthFail() throws Exception {
        byte[] img = pristine.clone();
        long rec = recordOf(img, "/live/vmlinuz");
        long px = suspEntry(img, rec, "PX");
        img[(int) px + 2] = (byte) 250;
        FormatException e = expectFail(img);
        assertEquals(px, e.offset());
    }

    @Test
    void relocationLoopFail() throws Exception {
        byte[] img = relocated.clone();
        long rec;
        try (IsoImage i = open(img)) {
            rec = i.lookup("/deep/level1/level2/level3/level4/level5/level6/level7").orElseThrow().recordOffset();
        }
        long cl = suspEntry(img, rec, "CL");
        putBoth32(img, cl + 4, rootBlock(img));
        FormatException e = expectFail(img);
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }

    @Test
    void relocationToNonDirectoryFail() throws Exception {
        byte[] img = relocated.clone();
        long rec;
        long fileBlock;
        try (IsoImage i = open(img)) {
            rec = i.lookup("/deep/level1/level2/level3/level4/level5/level6/level7").orElseThrow().recordOffset();
            fileBlock = i.lookup("/sizes/file-100000.bin").orElseThrow().firstBlock();
        }
        putBoth32(img, suspEntry(img, rec, "CL") + 4, fileBlock);
        expectFail(img);
    }

    @Test
    void elToritoChecksumFail() throws Exception {
        byte[] img = boot.clone();
        long catalog;
        try (IsoImage i = open(img)) {
            catalog = i.bootRecord().orElseThrow().bootCatalogSector() * SECTOR;
        }
        img[(int) catalog + 4] ^= 0x55;
        FormatException e = expectFail(img);
        assertEquals(catalog + 28, e.offset());
        img = boot.clone();
        img[(int) catalog + 31] = 0;
        assertEquals(catalog + 30, expectFail(img).offset());
    }

    @Test
    void missingNamespaceFail() {
        expectFail(() -> open(boot, Namespace.JOLIET).close());
    }

    /**
     * Flips random bytes in the metadata of small images (fixed seed) and reads everything:
     * only FormatException or a clean result is acceptable, never another exception or a hang.
     */
    @Test
    void fuzzedImagesFailCleanly() {
        Random rnd = new Random(20240629L);
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            int failures = 0;
            int iterations = 0;
            for (byte[] base : new byte[][] {pristine, relocated, boot}) {
                int metaEnd = metadataEnd(base);
                for (int i = 0; i < 150; i++) {
                    byte[] img = base.clone();
                    int flips = 1 + rnd.nextInt(4);
                    for (int f = 0; f < flips; f++) {
                        int at = (int) PVD + rnd.nextInt(metaEnd - (int) PVD);
                        img[at] = rnd.nextInt(3) == 0 ? (byte) rnd.nextInt(256) : (byte) (img[at] ^ (1 << rnd.nextInt(8)));
                    }
                    iterations++;
                    try (IsoImage iso = open(img)) {
                        readEverything(iso);
                    } catch (FormatException expected) {
                        failures++;
                        assertTrue(expected.offset() >= -1 && expected.offset() <= (long) Integer.MAX_VALUE * SECTOR,
                                expected.getMessage());
                    } catch (Throwable t) {
                        throw new AssertionError("iteration " + iterations + ": unexpected " + t, t);
                    }
                }
            }
            assertTrue(failures > 0 && failures < iterations, failures + " of " + iterations + " failed");
        });
    }

    private static int metadataEnd(byte[] image) throws Exception {
        long min = image.length;
        try (IsoImage img = open(image)) {
            for (IsoEntry e : img.walk()) {
                if (e.isFile() && e.size() > 0) {
                    min = Math.min(min, e.extents().get(0).offset());
                }
            }
        }
        return (int) min;
    }

    private static void readEverything(IsoImage iso) throws IOException, FormatException {
        iso.uuid();
        iso.bootCatalog();
        for (IsoEntry e : iso.walk()) {
            if (e.isDirectory()) {
                iso.list(e);
            } else if (e.isFile()) {
                try (InputStream in = iso.open(e)) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }
            iso.lookup(e.path()).orElseThrow();
            iso.resolve(e.path());
        }
        iso.pathTable();
    }
}
