package org.liveng.format.fat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reads images made by mkfs.fat and mcopy and compares with the source tree. */
class FatReaderOracleTest {

    @TempDir
    Path tmp;

    /** mkfs.fat + mcopy of the standard tree; returns the image. */
    static Path mkfsImage(Path tmp, String name, int fatBits, int mib, Map<String, byte[]> tree) throws Exception {
        Path img = tmp.resolve(name);
        FatFixtures.ok(FatFixtures.dosfstools("mkfs.fat", "-F", Integer.toString(fatBits), "-n", "MKFS LABEL", "-i", "C0FFEE42",
                "-C", img.toString(), Integer.toString(mib * 1024)));
        Path src = tmp.resolve(name + ".src");
        for (Map.Entry<String, byte[]> e : tree.entrySet()) {
            Path f = src.resolve(e.getKey().substring(1));
            Files.createDirectories(f.getParent());
            Files.write(f, e.getValue());
        }
        try (var s = Files.list(src)) {
            for (Path top : s.sorted().toList()) {
                FatFixtures.ok(FatFixtures.mtools("mcopy", "-s", "-i", img.toString(), top.toString(), "::/"));
            }
        }
        return img;
    }

    @ParameterizedTest(name = "mkfs.fat -F {0}, {1} MiB")
    @CsvSource({"32, 64", "16, 32", "12, 4"})
    void readsMkfsImage(int bits, int mib) throws Exception {
        Map<String, byte[]> tree = FatFixtures.tree(bits, bits == 12 ? 500_000 : 2_000_000, 2048, bits == 12 ? 80 : 200);
        tree.remove("/Gr\u00fc\u00dfe-\u00e9t\u00e9.txt"); // host file names in the C locale are bytes; keep to ASCII here
        Path img = mkfsImage(tmp, "mkfs" + bits + ".img", bits, mib, tree);
        try (FatReader r = FatReader.open(img, 0, false)) {
            assertEquals(bits == 32 ? FatType.FAT32 : bits == 16 ? FatType.FAT16 : FatType.FAT12, r.type());
            assertEquals("C0FF-EE42", r.serialString());
            assertEquals("MKFS LABEL", r.label());
            Map<String, Long> ours = new TreeMap<>();
            for (FatEntry e : r.walk()) {
                ours.put(e.path(), e.isDirectory() ? -1L : e.size());
                if (e.isFile()) {
                    try (InputStream in = r.open(e)) {
                        assertArrayEquals(tree.get(e.path()), in.readAllBytes(), e.path());
                    }
                }
            }
            assertEquals(FatFixtures.expectedListing(tree), ours);
            assertEquals(FatFixtures.mdir(img), ours);
        }
    }
}
