package org.liveng.format.initrd;

import org.liveng.testing.MemoryChannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.liveng.api.ErrorCodes;
import org.liveng.api.FormatException;
import org.liveng.format.initrd.TestSupport.CpioWriter;

/** Truncated, corrupt and hostile input: always a FormatException that says where and what. */
class CorruptInputTest {

    private static FormatException fails(byte[] img, String... fragments) {
        FormatException e = assertThrows(FormatException.class, () -> TestSupport.read(img));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message lacks '" + f + "': " + e.getMessage());
        }
        assertEquals(ErrorCodes.FORMAT, e.code());
        return e;
    }

    private static byte[] cpio() {
        return new CpioWriter().dir(".").file("etc/hostname", "liveng\n").file("data", new byte[5000]).trailer().toBytes();
    }

    private static byte[] cut(byte[] b, int n) {
        return Arrays.copyOf(b, n);
    }

    @Test
    void emptyInputFail() {
        fails(new byte[0], "empty or only zero bytes");
    }

    @Test
    void allZeroFail() {
        fails(new byte[4096], "empty or only zero bytes");
    }

    @Test
    void badMagicFail() {
        FormatException e = fails("PK\u0003\u0004 not an initrd".getBytes(StandardCharsets.ISO_8859_1), "unknown magic",
                "50 4b 03 04 20 6e");
        assertEquals(0, e.offset());
    }

    @Test
    void badMagicAfterValidSegmentFail() {
        byte[] c = new CpioWriter().file("a", "1").trailer().padTo(512).toBytes();
        FormatException e = fails(TestSupport.concat(c, "JUNKJUNK".getBytes(StandardCharsets.US_ASCII)), "segment 1",
                "4a 55 4e 4b 4a 55");
        assertEquals(512, e.offset());
    }

    @Test
    void lz4FrameFormatFail() {
        fails(new byte[] {0x04, 0x22, 0x4d, 0x18, 0x64, 0x40}, "lz4 -l");
    }

    @Test
    void odcCpioFail() {
        fails("070707000000000000".getBytes(StandardCharsets.US_ASCII), "070707");
    }

    @Test
    void truncatedCpioFail() {
        byte[] c = cpio();
        FormatException e = fails(cut(c, c.length - 200), "runs past the end");
        assertTrue(e.offset() > 0);
    }

    @Test
    void truncatedHeaderFail() {
        byte[] c = cpio();
        fails(cut(c, 50), "truncated cpio header", "expected 110 bytes, found 50");
    }

    @Test
    void missingTrailerFail() {
        byte[] c = new CpioWriter().file("a", "1").toBytes();
        fails(c, "truncated cpio header", "found 0");
    }

    @Test
    void hugeNameSizeFail() {
        byte[] c = new CpioWriter().raw("a", 0100644, new byte[0], 0xffffffffL, -1, 0, 0).trailer().toBytes();
        FormatException e = fails(c, "name size 4294967295 is outside 1..4096");
        assertEquals(0, e.offset());
    }

    @Test
    void zeroNameSizeFail() {
        byte[] c = new CpioWriter().raw("a", 0100644, new byte[0], 0, -1, 0, 0).trailer().toBytes();
        fails(c, "name size 0");
    }

    @Test
    void nameSizePastEndFail() {
        byte[] c = new CpioWriter().raw("a", 0100644, new byte[0], 4000, -1, 0, 0).toBytes();
        fails(c, "name size 4000 runs past the end");
    }

    @Test
    void hugeFileSizeFail() {
        byte[] c = new CpioWriter().file("ok", "x").raw("big", 0100644, new byte[4], -1, 0xffffffffL, 0, 0).trailer().toBytes();
        FormatException e = fails(c, "file size 4294967295 runs past the end");
        assertTrue(e.offset() > 0, "offset of the bad header");
    }

    @Test
    void hugeFileSizeInCompressedSegmentFail() {
        byte[] c = new CpioWriter().raw("big", 0100644, new byte[4], -1, 0xfffffff0L, 0, 0).trailer().toBytes();
        byte[] gz = TestSupport.gzip(c);
        FormatException e = fails(TestSupport.concat(new CpioWriter().file("a", "1").trailer().padTo(512).toBytes(), gz),
                "segment 1 (gzip at offset 0x200)", "truncated data of big");
        assertEquals(512, e.offset());
    }

    @Test
    void nonHexFieldFail() {
        byte[] c = cpio();
        c[6 + 8 * 6 + 3] = 'g'; // inside c_filesize of the first entry
        fails(c, "not 8 hex digits");
    }

    @Test
    void nameNotTerminatedFail() {
        byte[] c = new CpioWriter().raw("abc", 0100644, new byte[0], 3, -1, 0, 0).trailer().toBytes();
        fails(c, "not NUL-terminated");
    }

    @Test
    void embeddedNulInNameFail() {
        byte[] c = new CpioWriter().file("ab", "1").trailer().toBytes();
        c[110] = 0;
        fails(c, "contains a NUL byte");
    }

    @Test
    void crcChecksumMismatchFail() {
        byte[] c = new CpioWriter().magic("070702").file("a", "abcdef").trailer().toBytes();
        c[112] = 'X'; // first data byte: after 110 header + "a\0" (112 is 4-aligned)
        fails(c, "checksum mismatch for a");
    }

    @Test
    void symlinkTargetTooLongFail() {
        byte[] c = new CpioWriter().symlink("l", "x".repeat(5000)).trailer().toBytes();
        fails(c, "target of 5000 bytes");
    }

    @Test
    void unalignedCpioFail() {
        byte[] c = new CpioWriter().file("a", "1").trailer().toBytes();
        fails(TestSupport.concat(new byte[2], c), "not a multiple of 4");
    }

    @Test
    void channelShorterThanSizeFail() {
        byte[] c = cpio();
        byte[] shortImg = cut(c, 300);
        FormatException e = assertThrows(FormatException.class,
                () -> Initramfs.read(new MemoryChannel(shortImg), c.length, p -> false, 0));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void truncatedGzipFail() {
        byte[] gz = TestSupport.gzip(cpio());
        FormatException e = fails(cut(gz, gz.length - 20), "gzip", "truncated");
        assertTrue(e.offset() > 0);
    }

    @Test
    void gzipCrcFail() {
        byte[] gz = TestSupport.gzip(cpio());
        gz[gz.length - 6] ^= 0x55; // inside the stored CRC32
        fails(gz, "CRC32 mismatch");
    }

    @Test
    void truncatedGzipTrailerFail() {
        byte[] gz = TestSupport.gzip(cpio());
        fails(cut(gz, gz.length - 3), "truncated trailer");
    }

    @Test
    void truncatedXzFail() {
        byte[] xz = TestSupport.xz(cpio());
        fails(cut(xz, xz.length - 30), "segment 0 (xz at offset 0x0)");
    }

    @Test
    void truncatedLzmaFail() {
        byte[] lz = TestSupport.lzma(cpio());
        fails(cut(lz, lz.length / 2), "segment 0 (lzma");
    }

    @Test
    void truncatedBzip2Fail() {
        byte[] bz = TestSupport.bzip2(cpio());
        fails(cut(bz, bz.length - 10), "segment 0 (bzip2");
    }

    @Test
    void truncatedZstdFail() {
        byte[] z = TestSupport.zstd(cpio());
        fails(cut(z, z.length - 5), "zstd");
    }

    @Test
    void zstdReservedBlockTypeFail() {
        // magic, FHD 0x20 (single segment, 1-byte FCS), FCS 5, block header: last, type 3
        byte[] z = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x20, 5, 0x07, 0, 0};
        fails(z, "reserved block type 3");
    }

    @Test
    void truncatedLz4Fail() {
        byte[] lz = TestSupport.lz4Legacy(cpio());
        fails(cut(lz, lz.length - 7), "lz4", "bytes left in the input");
    }

    @Test
    void lz4BadOffsetFail() {
        // legacy magic, block of 6 bytes: literal 'a' then a match at offset 5 (before the output start)
        byte[] lz = {0x02, 0x21, 0x4c, 0x18, 6, 0, 0, 0, 0x14, 'a', 5, 0, 0x10, 'b'};
        FormatException e = fails(lz, "invalid lz4 block", "match offset 5");
        assertEquals(10, e.offset());
    }

    @Test
    void lz4HugeBlockSizeFail() {
        byte[] lz = {0x02, 0x21, 0x4c, 0x18, 0x00, 0x00, 0x00, 0x7f, 1, 2, 3};
        fails(lz, "block size 2130706432 exceeds the maximum");
    }

    @Test
    void lz4ValidBlockWithoutCpioFail() {
        byte[] lz = {0x02, 0x21, 0x4c, 0x18, 6, 0, 0, 0, 0x50, 'h', 'e', 'l', 'l', 'o'};
        fails(lz, "junk within compressed archive");
    }

    @Test
    void junkAfterTrailerInCompressedSegmentFail() {
        byte[] c = TestSupport.concat(new CpioWriter().file("a", "1").trailer().toBytes(), "garbage".getBytes(StandardCharsets.US_ASCII));
        fails(TestSupport.gzip(c), "junk within compressed archive", "byte 0x67");
    }

    @Test
    void compressedSegmentWithoutTrailerFail() {
        byte[] c = new CpioWriter().file("a", "1").toBytes();
        fails(TestSupport.zstd(c), "segment 0 (zstd", "truncated cpio header");
    }

    @Test
    void unalignedArchiveInsideCompressedSegmentFail() {
        byte[] a = new CpioWriter().file("a", "1").trailer().toBytes();
        byte[] c = TestSupport.concat(a, new byte[2], new CpioWriter().file("b", "2").trailer().toBytes());
        fails(TestSupport.xz(c), "broken padding");
    }

    @Test
    void emptyCompressedSegmentFail() {
        fails(TestSupport.gzip(new byte[0]), "no cpio archive in the decompressed data");
    }
}
