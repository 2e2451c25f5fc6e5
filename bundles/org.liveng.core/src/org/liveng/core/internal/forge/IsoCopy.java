package org.liveng.core.internal.forge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

import org.liveng.api.plan.Progress;

/**
 * Copies the ISO into the system partition. The bytes move inside the kernel (the JDK's file-to-file
 * transfer), never through this process; two workers follow behind on the other core(s), reading from
 * the page cache: one computes the ISO's SHA-256, the other reads every copied block back from the
 * target, compares it with the ISO's bytes (a mismatch names the byte) and hashes it into the partition's
 * {@link ChunkDigest}. Hashing thus overlaps the copy instead of following it.
 */
final class IsoCopy {
    static final int BLOCK = 4 * ChunkDigest.CHUNK;

    /** The ISO's SHA-256 and the digest of the partition as read back. */
    record Result(String isoSha256, String partitionDigest) {
    }

    private IsoCopy() {
    }

    static Result copy(Path iso, RecordingChannel target, long offset, long partitionLength, String partitionName, Progress progress)
            throws IOException {
        ExecutorService hasher = Executors.newSingleThreadExecutor(daemon("liveng-iso-sha256"));
        ExecutorService checker = Executors.newSingleThreadExecutor(daemon("liveng-iso-readback"));
        List<Future<?>> jobs = new ArrayList<>();
        try (FileChannel in = FileChannel.open(iso, StandardOpenOption.READ)) {
            long size = in.size();
            if (size > partitionLength) {
                throw new IOException(iso + " (" + size + " bytes) does not fit " + partitionName + " (" + partitionLength + " bytes)");
            }
            MessageDigest md = ChunkDigest.sha();
            byte[][] chunks = new byte[(int) ((partitionLength + ChunkDigest.CHUNK - 1) / ChunkDigest.CHUNK)][];
            ByteBuffer forSha = ByteBuffer.allocate(BLOCK);
            ByteBuffer source = ByteBuffer.allocateDirect(BLOCK);
            ByteBuffer back = ByteBuffer.allocateDirect(BLOCK);
            for (long pos = 0; pos < size; pos += BLOCK) {
                long at = pos;
                int n = (int) Math.min(BLOCK, size - pos);
                target.transferFrom(in, at, n, offset + at);
                jobs.add(hasher.submit(() -> {
                    md.update(readFully(in, forSha, at, n, iso.toString()).array(), 0, n);
                    return null;
                }));
                jobs.add(checker.submit(() -> {
                    readBack(readFully(in, source, at, n, iso.toString()), readFully(target, back, offset + at, n, partitionName),
                            at, chunks, partitionLength, partitionName);
                    return null;
                }));
                progress.bytes(at + n, size);
                if (jobs.size() > 64) {
                    ChunkDigest.await(jobs.subList(0, 32));
                    jobs.subList(0, 32).clear();
                }
            }
            ChunkDigest.await(jobs);
            ChunkDigest.fillZeroChunks(chunks, partitionLength);
            return new Result(HexFormat.of().formatHex(md.digest()), ChunkDigest.combine(chunks));
        } finally {
            hasher.shutdownNow();
            checker.shutdownNow();
        }
    }

    /** Reads {@code n} bytes at {@code at} into {@code buf} (flipped for reading); {@code what} names the file in errors. */
    private static ByteBuffer readFully(FileChannel ch, ByteBuffer buf, long at, int n, String what) throws IOException {
        buf.clear().limit(n);
        while (buf.hasRemaining()) {
            if (ch.read(buf, at + buf.position()) < 0) {
                throw new IOException(what + " ends at byte " + (at + buf.position()) + " when read back");
            }
        }
        return buf.flip();
    }

    /** Compares a copied block with the ISO's bytes and hashes its chunks (zeros after the ISO's end). */
    private static void readBack(ByteBuffer src, ByteBuffer back, long at, byte[][] chunks, long partitionLength, String partitionName)
            throws IOException {
        int diff = src.mismatch(back);
        if (diff >= 0) {
            throw new IOException(partitionName + " reads back different from the ISO at byte " + (at + diff));
        }
        for (int c = 0; c < back.limit(); c += ChunkDigest.CHUNK) {
            long chunkStart = at + c;
            int chunkLength = (int) Math.min(ChunkDigest.CHUNK, partitionLength - chunkStart);
            ByteBuffer chunk = back.duplicate().position(c).limit(Math.min(back.limit(), c + chunkLength));
            if (chunk.remaining() < chunkLength) {
                ByteBuffer padded = ByteBuffer.allocate(chunkLength);
                padded.put(chunk).clear();
                chunk = padded;
            }
            chunks[(int) (chunkStart / ChunkDigest.CHUNK)] = ChunkDigest.chunkHash(chunk);
        }
    }

    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
