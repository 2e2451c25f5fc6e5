package org.liveng.format.initrd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.liveng.api.FormatException;
import org.liveng.format.initrd.TestSupport.CpioWriter;

/**
 * Seeded bit flips and truncations over a small multi-segment initrd made by
 * the real tools: the reader must succeed or throw FormatException, never
 * anything else, never hang and never run out of memory.
 */
class FuzzTest {
    static final long SEED = 0x11fe_2025L;
    static final int ITERATIONS = 400;

    /** An early microcode cpio followed by segments of every compression. */
    static byte[] smallInitrd() {
        byte[] early = new CpioWriter().dir("kernel").dir("kernel/x86").dir("kernel/x86/microcode")
                .file("kernel/x86/microcode/GenuineIntel.bin", "dummy microcode").trailer().padTo(512).toBytes();
        byte[] main = new CpioWriter().dir(".").dir("usr").dir("usr/bin").file("init", "#!/bin/sh\nexec /bin/sh\n")
                .symlink("bin", "usr/bin").file("usr/bin/tool", "tool ".repeat(300))
                .file("conf/initramfs.conf", "MODULES=list\n").trailer().padTo(512).toBytes();
        return TestSupport.concat(early, TestSupport.gzip(main), new byte[3], TestSupport.lz4Legacy(main), new byte[4],
                TestSupport.xz(main), TestSupport.zstd(main), TestSupport.bzip2(main), TestSupport.lzma(main));
    }

    /** Runs the reader on {@code img}, failing on anything but success or FormatException. */
    static boolean survives(byte[] img, String what) {
        try {
            TestSupport.read(img, p -> true, 1 << 16);
            return true;
        } catch (FormatException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                fail("FormatException without a message for " + what);
            }
            return false;
        } catch (Throwable t) {
            throw new AssertionError("unexpected " + t + " for " + what, t);
        }
    }

    @Test
    void bitFlipsAndTruncationsOnlyEverGiveFormatException() {
        byte[] original = smallInitrd();
        assertEquals(7, assertReads(original));
        Random rnd = new Random(SEED);
        int[] outcome = new int[2];
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int it = 0; it < ITERATIONS; it++) {
                byte[] img = original.clone();
                String what;
                if (it % 10 == 9) {
                    int len = rnd.nextInt(img.length);
                    img = java.util.Arrays.copyOf(img, len);
                    what = "iteration " + it + ": truncated to " + len;
                } else {
                    int flips = 1 + rnd.nextInt(3);
                    StringBuilder sb = new StringBuilder("iteration " + it + ": flipped bits");
                    for (int f = 0; f < flips; f++) {
                        int bit = rnd.nextInt(img.length * 8);
                        img[bit / 8] ^= (byte) (1 << (bit % 8));
                        sb.append(' ').append(bit);
                    }
                    what = sb.toString();
                }
                outcome[survives(img, what) ? 0 : 1]++;
            }
        });
        // both outcomes must occur, or the fuzzing did not exercise anything
        if (outcome[0] == 0 || outcome[1] == 0) {
            fail("degenerate fuzzing: " + outcome[0] + " successes, " + outcome[1] + " FormatExceptions");
        }
    }

    private static int assertReads(byte[] img) {
        try {
            return TestSupport.read(img).segments().size();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
