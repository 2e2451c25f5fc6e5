package org.liveng.core.internal.forge;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

import org.liveng.api.medium.FixedSizeChannel;

/**
 * A window {@code [start, start+length)} of a file channel, seen as a channel
 * of its own (a partition). Writes past the window's end fail instead of
 * spilling into the next partition. Closing the view leaves the file open.
 */
final class RegionChannel extends FixedSizeChannel {
    private final FileChannel file;
    private final long start;
    private final long length;

    RegionChannel(FileChannel file, long start, long length) {
        super(length, "a partition");
        this.file = file;
        this.start = start;
        this.length = length;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        long position = position();
        if (position >= length) {
            return -1;
        }
        int want = (int) Math.min(dst.remaining(), length - position);
        ByteBuffer slice = dst.slice().limit(want);
        int n = file.read(slice, start + position);
        if (n > 0) {
            dst.position(dst.position() + n);
            advance(n);
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        ensureOpen();
        long position = position();
        if (src.remaining() > length - position) {
            throw new IOException("write of " + src.remaining() + " bytes at " + position + " passes the end of the partition ("
                    + length + " bytes)");
        }
        int n = file.write(src, start + position);
        advance(n);
        return n;
    }

    @Override
    public boolean isOpen() {
        return super.isOpen() && file.isOpen();
    }
}
