package org.liveng.format.initrd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.liveng.format.initrd.TestSupport.CpioWriter;

/** Every compression, made by the real tools, alone and in multi-segment images. */
class CompressionTest {

    static byte[] sampleCpio(String tag) {
        byte[] big = new byte[300_000];
        new Random(tag.hashCode()).nextBytes(big);
        for (int k = 0; k < big.length; k += 3) {
            big[k] = 'x'; // partly compressible
        }
        return new CpioWriter().dir(".").dir(tag).file(tag + "/hello.txt", "hello from " + tag + "\n")
                .file(tag + "/big.bin", big).symlink(tag + "/link", "hello.txt").trailer().padTo(512).toBytes();
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void singleSegment(Compression c) throws Exception {
        byte[] seg = TestSupport.compress(c, sampleCpio("one"));
        Initramfs i = TestSupport.read(seg);
        assertEquals(List.of(c), i.compressions());
        assertEquals(5, i.entries().size());
        assertEquals("hello from one\n", new String(i.captured("one/hello.txt").orElseThrow(), StandardCharsets.UTF_8));
        assertEquals(300_000, i.captured("one/big.bin").orElseThrow().length);
        if (c != Compression.NONE) {
            assertEquals(seg.length, i.segments().get(0).compressedLength(), "compressed length of " + c);
        }
    }

    /** Each compressed segment must end exactly where the tool's output ended, so the next one is found. */
    @ParameterizedTest
    @EnumSource(Compression.class)
    void compressedSegmentFollowedByOthers(Compression c) throws Exception {
        byte[] early = new CpioWriter().dir("kernel").dir("kernel/x86").dir("kernel/x86/microcode")
                .file("kernel/x86/microcode/GenuineIntel.bin", new byte[] {1, 2, 3, 4, 5}).trailer().padTo(512).toBytes();
        byte[] first = TestSupport.compress(c, sampleCpio("a"));
        byte[] second = TestSupport.gzip(sampleCpio("b"));
        byte[] img = TestSupport.concat(early, first, new byte[(4 - first.length % 4) % 4 + 8], second);
        Initramfs i = TestSupport.read(img);
        List<Compression> expect = new ArrayList<>(List.of(Compression.NONE, c, Compression.GZIP));
        assertEquals(expect, i.compressions());
        Segment s1 = i.segments().get(1);
        assertEquals(early.length, s1.offset());
        if (c != Compression.NONE) {
            assertEquals(first.length, s1.compressedLength());
        }
        assertEquals(img.length - second.length, i.segments().get(2).offset());
        assertEquals(5 + 4 + 4, i.entries().size()); // "." is shared by a and b
        assertTrue(i.contains("kernel/x86/microcode/GenuineIntel.bin"));
        assertEquals(2, i.find("b/big.bin").orElseThrow().segment());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, i.captured("kernel/x86/microcode/GenuineIntel.bin").orElseThrow());
    }

    @Test
    void gzipMembersAreSeparateSegments() throws Exception {
        byte[] img = TestSupport.concat(TestSupport.gzip(sampleCpio("a")), TestSupport.gzip(sampleCpio("b")));
        Initramfs i = TestSupport.read(img);
        assertEquals(List.of(Compression.GZIP, Compression.GZIP), i.compressions());
    }

    @Test
    void zstdSegmentOfSeveralFrames() throws Exception {
        byte[] cpio = sampleCpio("z");
        int half = cpio.length / 2;
        byte[] f1 = TestSupport.zstd(java.util.Arrays.copyOfRange(cpio, 0, half));
        byte[] f2 = TestSupport.zstd(java.util.Arrays.copyOfRange(cpio, half, cpio.length));
        // a skippable frame (magic 0x184D2A50, 3 bytes of payload) between them
        byte[] skippable = {0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9};
        byte[] img = TestSupport.concat(f1, skippable, f2, new byte[4], TestSupport.xz(sampleCpio("y")));
        Initramfs i = TestSupport.read(img);
        assertEquals(List.of(Compression.ZSTD, Compression.XZ), i.compressions());
        assertEquals(f1.length + skippable.length + f2.length, i.segments().get(0).compressedLength());
        assertEquals(300_000, i.captured("z/big.bin").orElseThrow().length);
    }

    @Test
    void severalArchivesInsideOneCompressedStream() throws Exception {
        byte[] two = TestSupport.concat(new CpioWriter().file("a", "1").trailer().toBytes(), new byte[8],
                new CpioWriter().file("b", "2").trailer().toBytes());
        Initramfs i = TestSupport.read(TestSupport.zstd(two));
        assertEquals(1, i.segments().size());
        assertEquals(2, i.segments().get(0).entryCount());
        assertTrue(i.contains("a") && i.contains("b"));
    }

    @Test
    void lz4LegacyWithSeveralBlocksFromRealTool() throws Exception {
        // more than 8 MiB of data: lz4 -l writes several blocks
        byte[] big = new byte[(9 << 20) + 12345];
        Random r = new Random(7);
        for (int k = 0; k < big.length; k++) {
            big[k] = (byte) (r.nextInt(16) + 'a');
        }
        byte[] cpio = new CpioWriter().file("huge", big).trailer().toBytes();
        byte[] lz = TestSupport.lz4Legacy(cpio);
        Initramfs i = TestSupport.read(TestSupport.concat(lz, new byte[16], TestSupport.gzip(sampleCpio("g"))), p -> p.equals("huge"),
                16 << 20);
        assertEquals(List.of(Compression.LZ4_LEGACY, Compression.GZIP), i.compressions());
        assertArrayEquals(big, i.captured("huge").orElseThrow());
        assertEquals(lz.length, i.segments().get(0).compressedLength());
    }

    @Test
    void lz4LegacyDirectlyFollowedByAnotherSegment() throws Exception {
        byte[] lz = TestSupport.lz4Legacy(sampleCpio("l"));
        byte[] img = TestSupport.concat(lz, TestSupport.zstd(sampleCpio("m")));
        Initramfs i = TestSupport.read(img);
        assertEquals(List.of(Compression.LZ4_LEGACY, Compression.ZSTD), i.compressions());
    }

    @Test
    void concatenatedLz4LegacyFramesFormOneSegment() throws Exception {
        byte[] cpio = sampleCpio("c");
        int half = 1000;
        byte[] img = TestSupport.concat(TestSupport.lz4Legacy(java.util.Arrays.copyOfRange(cpio, 0, half)),
                TestSupport.lz4Legacy(java.util.Arrays.copyOfRange(cpio, half, cpio.length)));
        Initramfs i = TestSupport.read(img);
        assertEquals(List.of(Compression.LZ4_LEGACY), i.compressions());
        assertEquals(5, i.entries().size());
    }
}
