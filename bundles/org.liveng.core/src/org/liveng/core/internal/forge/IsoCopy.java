package org.liveng.core.internal.forge;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.liveng.api.plan.Progress;

/**
 * Copies the ISO into the system partition in one pass over the ISO, on three threads: this one reads and
 * writes 4 MiB blocks, one worker computes the ISO's SHA-256, another reads every written block back from
 * the target, compares it with the ISO's bytes and hashes it into the partition's {@link ChunkDigest}.
 * Hashing thus overlaps the I/O instead of following it, and the read-back names the first byte that
 * differs.
 */
final class IsoCopy {
    static final int BLOCK = 4 * ChunkDigest.CHUNK;
    private static final int BLOCKS_IN_FLIGHT = 4;

    /** The ISO's SHA-256 and the digest of the partition as read back. */
    record Result(String isoSha256, String partitionDigest) {
    }

    private IsoCopy() {
    }

    static Result copy(Path iso, FileChannel target, long offset, long partitionLength, String partitionName, Progress progress)
            throws IOException {
        ExecutorService hasher = Executors.newSingleThreadExecutor(daemon("liveng-iso-sha256"));
        ExecutorService checker = Executors.newSingleThreadExecutor(daemon("liveng-iso-readback"));
        try (FileChannel in = FileChannel.open(iso, StandardOpenOption.READ)) {
            long size = in.size();
            if (size > partitionLength) {
                throw new IOException(iso + " (" + size + " bytes) does not fit " + partitionName + " (" + partitionLength + " bytes)");
            }
            MessageDigest md = ChunkDigest.sha();
            byte[][] chunks = new byte[(int) ((partitionLength + ChunkDigest.CHUNK - 1) / ChunkDigest.CHUNK)][];
            BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BLOCKS_IN_FLIGHT);
            for (int i = 0; i < BLOCKS_IN_FLIGHT; i++) {
                free.add(ByteBuffer.allocateDirect(BLOCK));
            }
            ThreadLocal<ByteBuffer> back = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BLOCK));
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long pos = 0;
            while (pos < size) {
                ByteBuffer buf = take(free, failure);
                buf.clear().limit((int) Math.min(BLOCK, size - pos));
                while (buf.hasRemaining()) {
                    if (in.read(buf, pos + buf.position()) < 0) {
                        throw new IOException(iso + " ended at " + (pos + buf.position()) + " of " + size + " bytes");
                    }
                }
                buf.flip();
                long at = pos;
                ByteBuffer w = buf.duplicate();
                while (w.hasRemaining()) {
                    target.write(w, offset + at + w.position());
                }
                ByteBuffer src = buf.asReadOnlyBuffer();
                CompletableFuture<Void> sha = CompletableFuture.runAsync(() -> md.update(src.duplicate()), hasher);
                CompletableFuture<Void> check = CompletableFuture.runAsync(() -> readBack(target, offset, at, src.duplicate(), back.get(),
                        chunks, partitionLength, partitionName), checker);
                CompletableFuture.allOf(sha, check).whenComplete((ok, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e.getCause() != null ? e.getCause() : e);
                    }
                    free.add(buf);
                });
                pos += buf.limit();
                progress.bytes(pos, size);
            }
            for (int i = 0; i < BLOCKS_IN_FLIGHT; i++) {
                take(free, failure);
            }
            ChunkDigest.fillZeroChunks(chunks, partitionLength);
            return new Result(HexFormat.of().formatHex(md.digest()), ChunkDigest.combine(chunks));
        } finally {
            hasher.shutdownNow();
            checker.shutdownNow();
        }
    }

    /** Reads back one written block, compares it with the ISO's bytes and hashes its chunks (zeros after the ISO's end). */
    private static void readBack(FileChannel target, long offset, long at, ByteBuffer src, ByteBuffer back, byte[][] chunks,
            long partitionLength, String partitionName) {
        try {
            back.clear().limit(src.remaining());
            while (back.hasRemaining()) {
                if (target.read(back, offset + at + back.position()) < 0) {
                    throw new IOException(partitionName + " ends at byte " + (at + back.position()) + " when read back");
                }
            }
            back.flip();
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
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The next free block; fails fast with what went wrong on a worker. */
    private static ByteBuffer take(BlockingQueue<ByteBuffer> free, AtomicReference<Throwable> failure) throws IOException {
        try {
            while (true) {
                rethrow(failure.get());
                ByteBuffer b = free.poll(100, TimeUnit.MILLISECONDS);
                if (b != null) {
                    rethrow(failure.get());
                    return b;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while copying the ISO", e);
        }
    }

    private static void rethrow(Throwable t) throws IOException {
        if (t == null) {
            return;
        }
        if (t instanceof java.io.UncheckedIOException u) {
            throw u.getCause();
        }
        if (t instanceof IOException io) {
            throw io;
        }
        throw new IOException(t);
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
