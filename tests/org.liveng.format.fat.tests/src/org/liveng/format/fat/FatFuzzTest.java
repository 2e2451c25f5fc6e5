package org.liveng.format.fat;

import org.liveng.testing.MemoryChannel;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.liveng.api.FormatException;

/** Seeded mutation fuzzing: damaged volumes give a FormatException or a clean result, nothing else. */
class FatFuzzTest {

    private static final int ITERATIONS = 400;

    @ParameterizedTest
    @EnumSource(FatType.class)
    void mutatedVolumesFailCleanly(FatType type) throws Exception {
        Map<String, byte[]> tree = new LinkedHashMap<>();
        Random content = new Random(1);
        tree.put("/EFI/BOOT/BOOTX64.EFI", FatFixtures.random(content, 9000));
        tree.put("/EFI/debian/grub.cfg", "set root\n".getBytes());
        tree.put("/A long name that needs slots.txt", FatFixtures.random(content, 3000));
        for (int i = 0; i < 40; i++) {
            tree.put("/dir/file number " + i, FatFixtures.random(content, i * 31));
        }
        long size = switch (type) {
            case FAT12 -> 2 * FatFixtures.MIB;
            case FAT16 -> 9 * FatFixtures.MIB;
            case FAT32 -> 34 * FatFixtures.MIB;
        };
        byte[] base = FatFixtures.writeMemory(size, tree, FatFixtures.options().withType(type));
        // metadata lives in the first part: boot sector, FATs, root, directories
        int hot;
        try (FatReader r = FatReader.open(new MemoryChannel(base), 0, "base")) {
            hot = (int) Math.min(base.length, r.bootSector().firstDataSector() * 512 + 64 * r.bytesPerCluster());
        }
        int hotRegion = hot;
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            Random rnd = new Random(0xFA7L + type.ordinal());
            for (int it = 0; it < ITERATIONS; it++) {
                byte[] b = base.clone();
                int flips = 1 + rnd.nextInt(16);
                for (int k = 0; k < flips; k++) {
                    int at = rnd.nextInt(8) == 0 ? rnd.nextInt(512) : rnd.nextInt(hotRegion);
                    b[at] = rnd.nextBoolean() ? (byte) rnd.nextInt(256) : (byte) (b[at] ^ (1 << rnd.nextInt(8)));
                }
                if (rnd.nextInt(20) == 0) {
                    b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
                }
                exercise(b);
            }
        });
    }

    private static void exercise(byte[] img) throws IOException {
        try (FatReader r = FatReader.open(new MemoryChannel(img), 0, "fuzz")) {
            r.label();
            r.serialString();
            for (FatEntry e : r.walk()) {
                if (e.isFile()) {
                    try (InputStream in = r.open(e)) {
                        in.readAllBytes();
                    }
                }
                r.stat(e.path());
            }
        } catch (FormatException expected) {
            // a clean refusal
        }
    }
}
