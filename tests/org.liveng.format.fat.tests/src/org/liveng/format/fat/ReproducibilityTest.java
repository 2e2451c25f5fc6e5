package org.liveng.format.fat;

import org.liveng.testing.MemoryChannel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Same inputs, same bytes. */
class ReproducibilityTest {

    @TempDir
    Path tmp;

    @Test
    void identicalInputsGiveIdenticalBytes() throws Exception {
        Map<String, byte[]> tree = FatFixtures.tree(3, 200_000, 512, 50);
        byte[] a = FatFixtures.writeMemory(40 * FatFixtures.MIB, tree, FatFixtures.options());
        byte[] b = FatFixtures.writeMemory(40 * FatFixtures.MIB, FatFixtures.tree(3, 200_000, 512, 50), FatFixtures.options());
        assertArrayEquals(a, b);
        FatFixtures.writeImage(tmp.resolve("x.img"), 40 * FatFixtures.MIB, tree, FatFixtures.options());
        assertArrayEquals(a, Files.readAllBytes(tmp.resolve("x.img")));
    }

    @Test
    void serialOnlyChangesTheSerialBytes() throws Exception {
        Map<String, byte[]> tree = FatFixtures.tree(4, 10_000, 512, 5);
        byte[] a = FatFixtures.writeMemory(40 * FatFixtures.MIB, tree, FatFixtures.options());
        byte[] b = FatFixtures.writeMemory(40 * FatFixtures.MIB, tree,
                new FatOptions(FatFixtures.LABEL, 0xDEADBEEFL, "MSWIN4.1", null, 0, 0, FatFixtures.EPOCH, 512));
        assertFalse(Arrays.equals(a, b));
        int diffs = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                diffs++;
                int inSector = i % 512;
                int sector = i / 512;
                assertEquals(true, (sector == 0 || sector == 6) && inSector >= 67 && inSector < 71, "byte " + i);
            }
        }
        assertEquals(true, diffs > 0 && diffs <= 8);
    }

    @Test
    void preexistingGarbageDoesNotLeakIntoMetadata() throws Exception {
        Map<String, byte[]> tree = FatFixtures.tree(5, 10_000, 512, 5);
        byte[] clean = FatFixtures.writeMemory(40 * FatFixtures.MIB, tree, FatFixtures.options());
        byte[] dirty = new byte[clean.length];
        Arrays.fill(dirty, (byte) 0x5A);
        MemoryChannel ch = new MemoryChannel(dirty);
        FatLayout l = FatWriter.write(ch, 0, clean.length, FatFixtures.specs(tree), FatFixtures.options());
        byte[] out = ch.toByteArray();
        long used = l.geometry().clusterOffset(2 + l.usedClusters());
        assertArrayEquals(Arrays.copyOf(clean, (int) used), Arrays.copyOf(out, (int) used));
    }
}
