package org.liveng.format.fat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;

/** In-place rewrite of GRUB's grubenv on our images and on mkfs.fat images. */
class ReplaceFileContentTest {

    @TempDir
    Path tmp;

    private void replaceAndCheck(Path img) throws Exception {
        byte[] before = Files.readAllBytes(img);
        byte[] env = FatFixtures.grubenv("saved_entry=1\nnext_entry=rescue");
        long dataOffset;
        try (FatReader r = FatReader.open(img, 0, true)) {
            FatEntry e = r.stat("/boot/grub/grubenv").orElseThrow();
            dataOffset = r.bootSector().firstDataSector() * 512 + (e.firstCluster() - 2) * r.bytesPerCluster();
            r.replaceFileContent("/boot/grub/grubenv", env);
            LivengException wrongSize = assertThrows(LivengException.class,
                    () -> r.replaceFileContent("/boot/grub/grubenv", new byte[1000]));
            assertEquals(ErrorCodes.USAGE, wrongSize.code());
            assertEquals(ErrorCodes.NOT_FOUND,
                    assertThrows(LivengException.class, () -> r.replaceFileContent("/boot/grub/nope", env)).code());
        }
        byte[] after = Files.readAllBytes(img);
        assertEquals(before.length, after.length);
        for (int i = 0; i < after.length; i++) {
            if (before[i] != after[i]) {
                assertTrue(i >= dataOffset && i < dataOffset + env.length, "byte " + i + " outside the file's data changed");
            }
        }
        FatFixtures.assertFsckClean(img);
        assertArrayEquals(env, FatFixtures.mcopy(img, "/boot/grub/grubenv", tmp));
        try (FatReader r = FatReader.open(img, 0, false)) {
            assertArrayEquals(env, r.read("/boot/grub/grubenv", 4096));
        }
    }

    @Test
    void replacesGrubenvInOwnImage() throws Exception {
        Map<String, byte[]> tree = FatFixtures.tree(7, 100_000, 512, 20);
        Path img = tmp.resolve("own.img");
        FatFixtures.writeImage(img, 64 * FatFixtures.MIB, tree, FatFixtures.options());
        replaceAndCheck(img);
    }

    @Test
    void replacesGrubenvInMkfsImage() throws Exception {
        Map<String, byte[]> tree = FatFixtures.tree(8, 100_000, 512, 20);
        tree.remove("/Gr\u00fc\u00dfe-\u00e9t\u00e9.txt");
        Path img = FatReaderOracleTest.mkfsImage(tmp, "mkfs.img", 32, 64, tree);
        replaceAndCheck(img);
    }
}
