package org.liveng.verify.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

import org.liveng.api.medium.FixedSizeChannel;

/** A read-only window {@code [start, start+length)} of an image or device: one partition. Closing it leaves the file open. */
final class Window extends FixedSizeChannel {
    private final FileChannel file;
    private final long start;
    private final long length;

    Window(FileChannel file, long start, long length) {
        super(length, "a partition being verified");
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
        throw new IOException("verification never writes");
    }
}
