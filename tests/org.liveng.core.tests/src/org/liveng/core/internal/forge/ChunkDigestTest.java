package org.liveng.core.internal.forge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.plan.Progress;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ProcessRunner;

/**
 * The partition digest forge records: written ranges are merged and clipped right, the digest of an image
 * file equals what coreutils compute from the documented shell recipe, unwritten bytes count as zeros
 * whatever the target holds there (a device's stale data), and the pipelined ISO copy yields the ISO's
 * SHA-256 and the same partition digest as reading back afterwards.
 */
class ChunkDigestTest {
    static final int MIB = 1 << 20;
    static final ExecutorService POOL = Executors.newFixedThreadPool(2);

    @TempDir
    Path tmp;

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    @Test
    void writtenRangesMergeAndClip() {
        WrittenRanges w = new WrittenRanges();
        w.add(100, 200);
        w.add(300, 400);
        w.add(150, 310);
        w.add(500, 500);
        w.add(600, 700);
        w.add(700, 800);
        assertEquals(List.of("100-400", "600-800"), text(w.within(0, 1000)));
        assertEquals(List.of("350-400", "600-650"), text(w.within(350, 650)));
        assertEquals(List.of(), text(w.within(400, 600)));
        assertEquals(150 + 50, w.bytesWithin(250, 650), "250-400 and 600-650");
    }

    @Test
    void digestOfAnImageFileEqualsTheDocumentedShellRecipe() throws Exception {
        Path img = tmp.resolve("part.img");
        WrittenRanges w = new WrittenRanges();
        long length = 5L * MIB + 12345;
        try (FileChannel ch = new RecordingChannel(FileChannel.open(img, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.SPARSE), w)) {
            ch.write(ByteBuffer.wrap(new byte[] { 0 }), length - 1);
            ch.write(random(70_000, 1), 10);
            ch.write(random(MIB + 3, 2), 3L * MIB - 5);
            String ours = ChunkDigest.of(ch, 0, length, w, POOL);
            String script = "split -b 1M --filter 'sha256sum' \"$1\" | cut -c1-64 | tr -d '\\n' | tr a-f A-F | basenc -d --base16 | sha256sum | cut -c1-64";
            String coreutils = new ProcessRunner().run(Command.of("bash", "-c", script, "recipe", img.toString())).stdoutText().strip();
            assertEquals(coreutils, ours);
        }
    }

    @Test
    void unwrittenBytesCountAsZerosWhateverTheTargetHolds() throws Exception {
        long length = 4L * MIB;
        Path sparse = tmp.resolve("sparse.img");
        Path stale = tmp.resolve("stale.img");
        Files.write(stale, random((int) length, 9).array());
        String[] digests = new String[2];
        int i = 0;
        for (Path p : List.of(sparse, stale)) {
            WrittenRanges w = new WrittenRanges();
            try (FileChannel ch = new RecordingChannel(FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), w)) {
                ch.write(ByteBuffer.allocate(1), length - 1);
                ch.write(random(4096, 3), MIB + 4096);
                digests[i++] = ChunkDigest.of(ch, 0, length, w, POOL);
            }
        }
        assertEquals(digests[0], digests[1]);
        WrittenRanges none = new WrittenRanges();
        try (FileChannel ch = FileChannel.open(stale, StandardOpenOption.READ)) {
            assertNotEquals(digests[0], ChunkDigest.of(ch, 0, length, none, POOL), "the written block is part of the digest");
        }
    }

    @Test
    void pipelinedCopyGivesTheIsoHashAndTheReadBackDigest() throws Exception {
        Path iso = tmp.resolve("in.iso");
        Files.write(iso, random(9 * MIB + 777, 5).array());
        Path img = tmp.resolve("disk.img");
        WrittenRanges w = new WrittenRanges();
        long offset = 2L * MIB;
        long partition = 10L * MIB;
        try (RecordingChannel ch = new RecordingChannel(FileChannel.open(img, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.SPARSE), w)) {
            ch.write(ByteBuffer.allocate(1), offset + partition + MIB);
            IsoCopy.Result r = IsoCopy.copy(iso, ch, offset, partition, "LIVENG_SYSTEM", Progress.NONE);
            assertEquals(ForgeEngine.sha256(iso), r.isoSha256());
            assertEquals(ChunkDigest.of(ch, offset, partition, w, POOL), r.partitionDigest());
            ByteBuffer back = ByteBuffer.allocate((int) Files.size(iso));
            ch.read(back, offset);
            assertArrayEquals(Files.readAllBytes(iso), back.array());
        }
    }

    static ByteBuffer random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return ByteBuffer.wrap(b);
    }

    static List<String> text(List<long[]> ranges) {
        return ranges.stream().map(r -> r[0] + "-" + r[1]).toList();
    }
}
