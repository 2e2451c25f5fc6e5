package org.liveng.distro.debian.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

import org.liveng.api.medium.FixedSizeChannel;

/**
 * A read-only {@link SeekableByteChannel} over a file of a medium, built on
 * its stream: forward positioning skips, backward positioning reopens the
 * stream. Readers that move forward (the initrd reader does) pay nothing extra.
 */
final class StreamChannel extends FixedSizeChannel {
    interface Opener {
        InputStream open() throws IOException;
    }

    private final Opener opener;
    private InputStream in;

    StreamChannel(Opener opener, long size) throws IOException {
        super(size, "a file of a medium");
        this.opener = opener;
        this.in = opener.open();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (position() >= size()) {
            return -1;
        }
        int want = (int) Math.min(dst.remaining(), size() - position());
        byte[] buf = new byte[Math.min(want, 1 << 16)];
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            return -1;
        }
        dst.put(buf, 0, n);
        advance(n);
        return n;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < position()) {
            in.close();
            in = opener.open();
            super.position(0);
        }
        long skip = newPosition - position();
        while (skip > 0) {
            long s = in.skip(skip);
            if (s <= 0) {
                if (in.read() < 0) {
                    break;
                }
                s = 1;
            }
            skip -= s;
            advance(s);
        }
        return this;
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
    public void close() throws IOException {
        super.close();
        in.close();
    }
}
