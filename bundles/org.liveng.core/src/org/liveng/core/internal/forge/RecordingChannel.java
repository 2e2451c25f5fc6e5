package org.liveng.core.internal.forge;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The forge target as every writer sees it: a file channel that records which byte ranges were written
 * ({@link WrittenRanges}), so that verification reads back exactly those instead of whole partitions of
 * holes. Mapping for writing is refused (such writes could not be recorded). Closing it closes the target.
 */
final class RecordingChannel extends FileChannel {
    private final FileChannel target;
    private final WrittenRanges written;

    RecordingChannel(FileChannel target, WrittenRanges written) {
        this.target = target;
        this.written = written;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return target.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return target.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return target.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        long at = target.position();
        int n = target.write(src);
        written.add(at, at + n);
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long at = target.position();
        long n = target.write(srcs, offset, length);
        written.add(at, at + n);
        return n;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        int n = target.write(src, position);
        written.add(position, position + n);
        return n;
    }

    @Override
    public long position() throws IOException {
        return target.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        target.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return target.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        throw new IOException("the forge target is never truncated");
    }

    @Override
    public void force(boolean metaData) throws IOException {
        target.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel to) throws IOException {
        return target.transferTo(position, count, to);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        long n = target.transferFrom(src, position, count);
        written.add(position, position + n);
        return n;
    }

    /**
     * Copies {@code count} bytes of {@code src} from {@code srcPosition} to {@code position} of the target inside the kernel
     * (the JDK's direct file-to-file transfer needs its own channel class on both sides, not this wrapper).
     */
    void transferFrom(FileChannel src, long srcPosition, long count, long position) throws IOException {
        long done = 0;
        while (done < count) {
            target.position(position + done);
            long n = src.transferTo(srcPosition + done, count - done, target);
            if (n <= 0) {
                throw new IOException("the source ends at byte " + (srcPosition + done) + " of " + (srcPosition + count));
            }
            written.add(position + done, position + done + n);
            done += n;
        }
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        if (mode != MapMode.READ_ONLY) {
            throw new IOException("the forge target is written through write(), never through a writable mapping");
        }
        return target.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return target.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return target.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        target.close();
    }
}
