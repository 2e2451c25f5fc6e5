package org.liveng.core.internal.forge;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;

/**
 * A window {@code [start, start+length)} of a file channel, seen as a channel
 * of its own (a partition). Writes past the window's end fail instead of
 * spilling into the next partition. Closing the view leaves the file open.
 */
final class RegionChannel implements SeekableByteChannel {
    private final FileChannel file;
    private final long start;
    private final long length;
    private long position;
    private boolean open = true;

    RegionChannel(FileChannel file, long start, long length) {
        this.file = file;
        this.start = start;
        this.length = length;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        check();
        if (position >= length) {
            return -1;
        }
        int want = (int) Math.min(dst.remaining(), length - position);
        ByteBuffer slice = dst.slice().limit(want);
        int n = file.read(slice, start + position);
        if (n > 0) {
            dst.position(dst.position() + n);
            position += n;
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        check();
        if (src.remaining() > length - position) {
            throw new IOException("write of " + src.remaining() + " bytes at " + position + " passes the end of the partition ("
                    + length + " bytes)");
        }
        int n = file.write(src, start + position);
        position += n;
        return n;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long p) {
        if (p < 0) {
            throw new IllegalArgumentException("negative position");
        }
        position = p;
        return this;
    }

    @Override
    public long size() {
        return length;
    }

    @Override
    public SeekableByteChannel truncate(long size) throws IOException {
        throw new IOException("a partition cannot be truncated");
    }

    @Override
    public boolean isOpen() {
        return open && file.isOpen();
    }

    @Override
    public void close() {
        open = false;
    }

    private void check() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }
}
