package org.liveng.testing;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;

/** A growable in-memory channel, so unit tests and the fuzzer never touch the disk. */
public final class MemoryChannel implements SeekableByteChannel {
    private byte[] data;
    private int size;
    private long position;
    private boolean open = true;

    public MemoryChannel(byte[] data) {
        this.data = data;
        this.size = data.length;
    }

    /** An empty channel that grows as it is written. */
    public MemoryChannel() {
        this(new byte[0]);
    }

    /** A zero-filled channel of {@code size} bytes. */
    public static MemoryChannel ofSize(long size) {
        return new MemoryChannel(new byte[Math.toIntExact(size)]);
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(data, size);
    }

    @Override
    public int read(ByteBuffer dst) throws ClosedChannelException {
        ensureOpen();
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), size - position);
        dst.put(data, (int) position, n);
        position += n;
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws ClosedChannelException {
        ensureOpen();
        int n = src.remaining();
        long end = position + n;
        if (end > data.length) {
            data = Arrays.copyOf(data, Math.toIntExact(Math.max(end, (long) data.length * 2)));
        }
        src.get(data, (int) position, n);
        position = end;
        size = (int) Math.max(size, end);
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
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        size = (int) Math.min(size, newSize);
        position = Math.min(position, newSize);
        return this;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
