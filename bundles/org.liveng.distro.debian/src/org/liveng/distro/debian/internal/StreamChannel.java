package org.liveng.distro.debian.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only {@link SeekableByteChannel} over a file of a medium, built on
 * its stream: forward positioning skips, backward positioning reopens the
 * stream. Readers that move forward (the initrd reader does) pay nothing extra.
 */
final class StreamChannel implements SeekableByteChannel {
    interface Opener {
        InputStream open() throws IOException;
    }

    private final Opener opener;
    private final long size;
    private InputStream in;
    private long position;
    private boolean open = true;

    StreamChannel(Opener opener, long size) throws IOException {
        this.opener = opener;
        this.size = size;
        this.in = opener.open();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (position >= size) {
            return -1;
        }
        int want = (int) Math.min(dst.remaining(), size - position);
        byte[] buf = new byte[Math.min(want, 1 << 16)];
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            return -1;
        }
        dst.put(buf, 0, n);
        position += n;
        return n;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < position) {
            in.close();
            in = opener.open();
            position = 0;
        }
        long skip = newPosition - position;
        while (skip > 0) {
            long s = in.skip(skip);
            if (s <= 0) {
                if (in.read() < 0) {
                    break;
                }
                s = 1;
            }
            skip -= s;
            position += s;
        }
        return this;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public SeekableByteChannel truncate(long s) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        open = false;
        in.close();
    }

    private void ensureOpen() throws IOException {
        if (!open) {
            throw new java.nio.channels.ClosedChannelException();
        }
    }
}
