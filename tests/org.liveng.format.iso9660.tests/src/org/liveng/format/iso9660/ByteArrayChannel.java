package org.liveng.format.iso9660;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/** A read-only in-memory channel, for fuzzing without touching the disk. */
final class ByteArrayChannel implements SeekableByteChannel {
    private final byte[] data;
    private long position;
    private boolean open = true;

    ByteArrayChannel(byte[] data) {
        this.data = data;
    }

    @Override
    public int read(ByteBuffer dst) throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
        if (position >= data.length) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), data.length - position);
        dst.put(data, (int) position, n);
        position += n;
        return n;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long p) {
        position = p;
        return this;
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
