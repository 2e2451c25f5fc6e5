package org.liveng.core.internal.forge;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The digest forge records for a partition: the SHA-256 of the concatenated SHA-256s of its 1 MiB chunks
 * (the last one shorter if the partition is), where bytes forge did not write count as zeros. Chunks
 * without a written byte are not read: their hash is that of zeros. So a 4 GiB persistence partition
 * holding 20 MiB of filesystem costs 20 MiB of hashing, and an image file and a device forged from the
 * same inputs have the same digests although the device's unwritten bytes are whatever was there.
 *
 * <p>Recomputing it for an image file (holes are zeros): {@code split -b 1M --filter 'sha256sum' PART |
 * cut -c1-64 | tr -d '\n' | tr a-f A-F | basenc -d --base16 | sha256sum}
 * (coreutils only).
 */
final class ChunkDigest {
    static final int CHUNK = 1 << 20;
    private static final byte[] ZERO_CHUNK_HASH = sha().digest(new byte[CHUNK]);
    /** Chunk buffers aligned for O_DIRECT reads (4096 covers every logical sector size). */
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK + 4096)
            .alignedSlice(4096).limit(CHUNK).slice());
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(CHUNK).asReadOnlyBuffer();

    private ChunkDigest() {
    }

    /**
     * Reads back the written bytes of {@code [offset, offset+length)} of {@code target}, chunk by chunk on
     * {@code pool}, and returns the digest in hex.
     */
    static String of(FileChannel target, long offset, long length, WrittenRanges written, ExecutorService pool) throws IOException {
        return of(target, offset, length, written, pool, false);
    }

    /**
     * As {@link #of(FileChannel, long, long, WrittenRanges, ExecutorService)}; with {@code wholeChunks} every chunk that holds
     * written bytes is read whole, at chunk-aligned positions into aligned buffers, as a channel opened with
     * {@code O_DIRECT} requires (offset and length must then be multiples of the device's logical sector size).
     */
    static String of(FileChannel target, long offset, long length, WrittenRanges written, ExecutorService pool, boolean wholeChunks)
            throws IOException {
        int chunks = (int) ((length + CHUNK - 1) / CHUNK);
        byte[][] hashes = new byte[chunks][];
        List<Future<?>> jobs = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            long start = offset + (long) i * CHUNK;
            long end = Math.min(offset + length, start + CHUNK);
            List<long[]> data = written.within(start, end);
            if (data.isEmpty()) {
                hashes[i] = end - start == CHUNK ? ZERO_CHUNK_HASH : sha().digest(new byte[(int) (end - start)]);
                continue;
            }
            int index = i;
            jobs.add(pool.submit(() -> {
                hashes[index] = readChunk(target, start, end, data, wholeChunks);
                return null;
            }));
        }
        await(jobs);
        return combine(hashes);
    }

    /** The hash of one chunk {@code [start, end)} read from {@code target}, with the bytes outside {@code data} as zeros. */
    private static byte[] readChunk(FileChannel target, long start, long end, List<long[]> data, boolean whole) throws IOException {
        ByteBuffer buf = BUFFERS.get();
        buf.clear().limit((int) (end - start));
        if (whole) {
            readFully(target, buf.duplicate(), start);
        }
        int gap = 0;
        for (long[] r : data) {
            buf.put(gap, ZEROS, 0, (int) (r[0] - start) - gap);
            gap = (int) (r[1] - start);
        }
        buf.put(gap, ZEROS, 0, buf.limit() - gap);
        if (!whole) {
            for (long[] r : data) {
                readFully(target, buf.duplicate().position((int) (r[0] - start)).limit((int) (r[1] - start)), r[0]);
            }
        }
        MessageDigest md = sha();
        md.update(buf);
        return md.digest();
    }

    private static void readFully(FileChannel target, ByteBuffer part, long at) throws IOException {
        while (part.hasRemaining()) {
            int n = target.read(part, at);
            if (n < 0) {
                throw new IOException("the target ends at " + at + ", inside what forge wrote");
            }
            at += n;
        }
    }

    /** The hash of one chunk of data (its remaining bytes), for callers that hold the bytes already. */
    static byte[] chunkHash(ByteBuffer chunk) {
        MessageDigest md = sha();
        md.update(chunk);
        return md.digest();
    }

    /** The digest of a partition from its chunk hashes, in order. */
    static String combine(byte[][] chunkHashes) {
        MessageDigest md = sha();
        for (byte[] h : chunkHashes) {
            md.update(h);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Chunk hashes of zeros for the chunks of {@code [0, length)} that are not yet set. */
    static void fillZeroChunks(byte[][] hashes, long length) {
        for (int i = 0; i < hashes.length; i++) {
            if (hashes[i] == null) {
                long size = Math.min(CHUNK, length - (long) i * CHUNK);
                hashes[i] = size == CHUNK ? ZERO_CHUNK_HASH : sha().digest(new byte[(int) size]);
            }
        }
    }

    static void await(List<Future<?>> jobs) throws IOException {
        try {
            for (Future<?> f : jobs) {
                f.get();
            }
        } catch (InterruptedException e) {
            jobs.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading back", e);
        } catch (ExecutionException e) {
            jobs.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(e.getCause());
        }
    }

    static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
