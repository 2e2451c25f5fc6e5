package org.liveng.format.fat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.liveng.api.medium.MediumEntry;

/** Writes images with FatWriter and lets dosfstools, mtools and blkid judge them. */
class FatWriterOracleTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} MiB -> {1}")
    @CsvSource({
        "64, FAT32, 3000000, 300",
        "260, FAT32, 5000000, 300",
        "16, FAT16, 3000000, 300",
        "4, FAT12, 1000000, 100",
    })
    void toolsAgreeWithWrittenImage(int mib, FatType expected, int bigFile, int many) throws Exception {
        long size = mib * FatFixtures.MIB;
        int cluster = FatGeometry.choose(size, null, 0, FatOptions.DEFAULT_ROOT_ENTRIES).bytesPerCluster();
        Map<String, byte[]> tree = FatFixtures.tree(mib, bigFile, cluster, many);
        Path img = tmp.resolve("esp-" + mib + ".img");
        FatLayout layout = FatFixtures.writeImage(img, size, tree, FatFixtures.options().withHiddenSectors(2048));
        assertEquals(expected, layout.geometry().type());
        assertEquals(size, Files.size(img));
        // more than one cluster of entries in the module directory
        assertTrue(many * 2 * 32 > cluster, "the module directory should span several clusters");

        FatFixtures.assertFsckClean(img);
        assertEquals(FatFixtures.expectedListing(tree), FatFixtures.mdir(img));

        String minfo = FatFixtures.ok(FatFixtures.mtools("minfo", "-i", img.toString(), "::")).stdoutText();
        assertTrue(minfo.contains("serial number: 1A2B3C4D"), minfo);
        assertTrue(minfo.contains("disk label=\"LIVENG ESP \""), minfo);
        assertTrue(minfo.contains("hidden sectors: 2048"), minfo);
        String blkid = FatFixtures.ok(utilLinux("blkid", "-p", img.toString())).stdoutText();
        assertEquals("1A2B-3C4D", FatFixtures.blkidValue(blkid, "UUID"), blkid);
        assertEquals("LIVENG ESP", FatFixtures.blkidValue(blkid, "LABEL"), blkid);
        assertEquals(expected == FatType.FAT32 ? "FAT32" : expected == FatType.FAT16 ? "FAT16" : "FAT12",
                FatFixtures.blkidValue(blkid, "VERSION"), blkid);
        String fatlabel = FatFixtures.ok(FatFixtures.dosfstools("fatlabel", img.toString())).stdoutText().strip();
        assertEquals("LIVENG ESP", fatlabel);

        try (FatReader r = FatReader.open(img, 0, false); FatMedium m = new FatMedium(FatReader.open(img, 0, false))) {
            assertEquals(expected, r.type());
            assertEquals("1A2B-3C4D", m.uuid());
            assertEquals("LIVENG ESP", m.volumeId());
            for (Map.Entry<String, byte[]> e : tree.entrySet()) {
                String shortPath = shortPath(r, e.getKey());
                assertEquals(FatFixtures.sha256(e.getValue()), FatFixtures.sha256(FatFixtures.mcopy(img, shortPath, tmp)),
                        "mcopy " + e.getKey() + " as " + shortPath);
                try (InputStream in = m.open(e.getKey())) {
                    assertArrayEquals(e.getValue(), in.readAllBytes(), e.getKey());
                }
                MediumEntry me = m.stat(e.getKey()).orElseThrow();
                assertEquals(e.getValue().length, me.size());
                assertEquals(java.time.Instant.ofEpochSecond(FatFixtures.EPOCH), me.modified());
            }
        }
        // contiguous allocation in input order
        long next = -1;
        for (FatLayout.Placement p : layout.files()) {
            if (p.clusters() > 0) {
                if (next > 0) {
                    assertEquals(next, p.firstCluster(), p.path());
                }
                next = p.firstCluster() + p.clusters();
            }
        }
    }

    private static org.liveng.platform.exec.Command utilLinux(String program, String... args) {
        return org.liveng.platform.exec.Command.of(program, args).fromPackage("util-linux");
    }

    /** The path spelled with 8.3 names, so tool arguments stay ASCII whatever the locale. */
    static String shortPath(FatReader r, String path) throws Exception {
        StringBuilder sb = new StringBuilder();
        StringBuilder cur = new StringBuilder();
        for (String p : path.substring(1).split("/")) {
            cur.append('/').append(p);
            sb.append('/').append(r.stat(cur.toString()).orElseThrow().shortName());
        }
        return sb.toString();
    }
}
