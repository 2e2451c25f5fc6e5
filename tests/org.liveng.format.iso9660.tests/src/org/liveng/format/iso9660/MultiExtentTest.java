package org.liveng.format.iso9660;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.platform.exec.Command;

/**
 * A file above 4 GiB needs several extents (ISO level 3). The source file is sparse and
 * the image gets its zero runs punched out with {@code fallocate --dig-holes}, so the test
 * costs almost no disk space but 15-40 s of wall time, depending on the disk (xorriso reads and
 * writes 4.1 GiB of zeros, fallocate scans them, the test streams the whole file once). Tagged "slow" so it
 * can be excluded; it runs by default.
 */
@Tag("slow")
class MultiExtentTest {
    /** xorriso's largest extent: 4 GiB minus one 2 KiB block. */
    static final long MAX_EXTENT = 0xFFFF_F800L;
    static final long SIZE = 4160L << 20;

    @TempDir
    Path tmp;

    @Test
    void multiExtentFileAbove4GiB() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        Path big = src.resolve("huge.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(SIZE);
            f.seek(0);
            f.write("HEAD".getBytes(StandardCharsets.US_ASCII));
            f.seek(MAX_EXTENT - 4);
            f.write("BOUNDARY".getBytes(StandardCharsets.US_ASCII));
            f.seek(SIZE - 4);
            f.write("TAIL".getBytes(StandardCharsets.US_ASCII));
        }
        Files.writeString(src.resolve("small.txt"), "small\n");
        Path iso = IsoFixtures.mkisofs(tmp.resolve("big.iso"), src, "-iso-level", "3", "-R", "-J");
        Files.delete(big);
        IsoFixtures.run(Command.of("fallocate", "--dig-holes", iso.toString()).fromPackage("util-linux"));

        Map<String, IsoFixtures.Lsdl> oracle = IsoFixtures.lsdl(iso);
        for (Namespace ns : List.of(Namespace.ROCK_RIDGE, Namespace.JOLIET)) {
            try (IsoImage img = IsoImage.open(iso, ns)) {
                IsoEntry e = img.lookup("/huge.bin").orElseThrow();
                assertEquals(oracle.get("/huge.bin").size(), e.size());
                assertEquals(SIZE, e.size());
                assertEquals(2, e.extents().size(), e.extents().toString());
                assertEquals(MAX_EXTENT, e.extents().get(0).length());
                assertEquals("small\n", new String(img.open(img.lookup("/small.txt").orElseThrow()).readAllBytes()));
                try (InputStream in = img.open(e)) {
                    assertArrayEquals("HEAD".getBytes(), in.readNBytes(4));
                    assertEquals(MAX_EXTENT - 8, in.skip(MAX_EXTENT - 8));
                    assertArrayEquals("BOUNDARY".getBytes(), in.readNBytes(8));
                    in.skip(SIZE - MAX_EXTENT - 8);
                    assertArrayEquals("TAIL".getBytes(), in.readNBytes(4));
                    assertEquals(-1, in.read());
                }
                if (ns == Namespace.ROCK_RIDGE) {
                    // stream the whole file once: bounded memory, extents in order
                    long total = 0;
                    byte[] buf = new byte[1 << 20];
                    try (InputStream in = img.open(e)) {
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            total += n;
                        }
                    }
                    assertEquals(SIZE, total);
                }
            }
        }
        String isoinfo = IsoFixtures.isoinfo("-l", "-i", iso.toString());
        assertTrue(isoinfo.contains(String.valueOf(MAX_EXTENT)), isoinfo);
    }
}
