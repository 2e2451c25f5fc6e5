package org.liveng.format.initrd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.liveng.format.initrd.TestSupport.CpioWriter;

/** Hand-built, uncompressed cpio archives. */
class CpioParsingTest {

    @Test
    void readsEntriesTypesAndMetadata() throws Exception {
        byte[] img = new CpioWriter().dir(".").dir("./usr").dir("usr/bin").file("./usr/bin/hello", "hi!\n")
                .symlink("bin", "usr/bin").device("dev/console").entry("run/fifo", 0010644, new byte[0])
                .trailer().toBytes();
        Initramfs i = TestSupport.read(TestSupport.concat(img, new byte[512 - img.length % 512]));
        assertEquals(List.of(".", "usr", "usr/bin", "usr/bin/hello", "bin", "dev/console", "run/fifo"),
                i.entries().stream().map(CpioEntry::path).toList());
        CpioEntry hello = i.find("/usr/bin/hello").orElseThrow();
        assertEquals(EntryType.FILE, hello.type());
        assertEquals(4, hello.size());
        assertEquals(0644, hello.permissions());
        assertEquals(1700000000L, hello.mtime());
        assertEquals(0, hello.segment());
        assertEquals("usr/bin", i.find("bin").orElseThrow().linkTarget());
        assertEquals(EntryType.SYMLINK, i.find("bin").orElseThrow().type());
        assertEquals(EntryType.DEVICE, i.find("dev/console").orElseThrow().type());
        assertEquals(EntryType.OTHER, i.find("run/fifo").orElseThrow().type());
        assertEquals(EntryType.DIR, i.find(".").orElseThrow().type());
        assertNull(hello.linkTarget());
        assertTrue(i.contains("./usr"));
        assertFalse(i.contains("usr/sbin"));
        assertEquals(List.of(new Segment(0, Compression.NONE, 0, img.length, 7)), i.segments());
    }

    @Test
    void segmentLengthEndsAfterTrailer() throws Exception {
        byte[] archive = new CpioWriter().file("a", "x").trailer().toBytes();
        byte[] img = TestSupport.concat(archive, new byte[512 - archive.length % 512]);
        Initramfs i = TestSupport.read(img);
        assertEquals(archive.length, i.segments().get(0).compressedLength());
    }

    @Test
    void laterEntriesOverrideEarlierOnes() throws Exception {
        byte[] a = new CpioWriter().file("etc/x", "first").file("etc/y", "keep").trailer().padTo(512).toBytes();
        byte[] b = new CpioWriter().file("./etc/x", "second, longer").trailer().toBytes();
        Initramfs i = TestSupport.read(TestSupport.concat(a, b));
        assertEquals(2, i.segments().size());
        assertEquals(2, i.entries().size());
        assertEquals(1, i.find("etc/x").orElseThrow().segment());
        assertArrayEquals("second, longer".getBytes(StandardCharsets.UTF_8), i.captured("etc/x").orElseThrow());
        assertArrayEquals("keep".getBytes(StandardCharsets.UTF_8), i.captured("etc/y").orElseThrow());
    }

    @Test
    void overrideByDirectoryDropsCapture() throws Exception {
        byte[] a = new CpioWriter().file("x", "data").trailer().toBytes();
        byte[] b = new CpioWriter().dir("x").trailer().toBytes();
        Initramfs i = TestSupport.read(TestSupport.concat(a, b));
        assertTrue(i.captured("x").isEmpty());
        assertEquals(EntryType.DIR, i.find("x").orElseThrow().type());
    }

    @Test
    void captureHonoursPredicateAndLimit() throws Exception {
        byte[] img = new CpioWriter().file("lib/modules/6.1/modules.builtin", "kernel/fs/ext4.ko\n")
                .file("big", new byte[1000]).file("other", "no").trailer().toBytes();
        Initramfs i = TestSupport.read(img, p -> !p.equals("other"), 100);
        assertEquals("kernel/fs/ext4.ko\n",
                new String(i.captured("lib/modules/6.1/modules.builtin").orElseThrow(), StandardCharsets.UTF_8));
        assertTrue(i.captured("big").isEmpty());
        assertEquals(List.of("big"), i.captureSkipped());
        assertTrue(i.captured("other").isEmpty());
        assertEquals(1000, i.find("big").orElseThrow().size());
    }

    @Test
    void crcFormatChecksumIsVerified() throws Exception {
        byte[] img = new CpioWriter().magic("070702").file("a", "abcdef").trailer().toBytes();
        Initramfs i = TestSupport.read(img);
        assertEquals(6, i.find("a").orElseThrow().size());
    }

    @Test
    void leadingZeroPaddingAndTrailingPaddingAreSkipped() throws Exception {
        byte[] cpio = new CpioWriter().file("a", "1").trailer().toBytes();
        Initramfs i = TestSupport.read(TestSupport.concat(new byte[8], cpio, new byte[3]));
        assertEquals(8, i.segments().get(0).offset());
        assertTrue(i.contains("a"));
    }

    @Test
    void severalUncompressedSegments() throws Exception {
        byte[] img = TestSupport.concat(new CpioWriter().file("a", "1").trailer().padTo(512).toBytes(),
                new CpioWriter().file("b", "2").trailer().padTo(512).toBytes(),
                new CpioWriter().file("c", "3").trailer().toBytes());
        Initramfs i = TestSupport.read(img);
        assertEquals(List.of(0L, 512L, 1024L), i.segments().stream().map(Segment::offset).toList());
        assertEquals(3, i.entries().size());
    }

    @Test
    void normalisesNames() {
        assertEquals("a/b", CpioReader.normalise("./a/b"));
        assertEquals("a/b", CpioReader.normalise("/a/b/"));
        assertEquals("a", CpioReader.normalise(".//./a"));
        assertEquals(".", CpioReader.normalise("."));
        assertEquals(".", CpioReader.normalise("./"));
        assertEquals(".", CpioReader.normalise("/"));
        assertEquals(".hidden", CpioReader.normalise("./.hidden"));
    }

    @Test
    void displayNames() {
        assertEquals("lz4", Compression.LZ4_LEGACY.displayName());
        assertEquals("zstd", Compression.ZSTD.displayName());
        assertEquals("none", Compression.NONE.toString());
    }
}
