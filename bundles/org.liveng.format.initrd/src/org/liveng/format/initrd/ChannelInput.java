package org.liveng.format.initrd;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * A buffered, forward-only view of a byte range of a channel that knows its
 * exact logical position: the number of bytes handed to the consumer, not
 * the number read ahead into the buffer. That is what lets a decompressor
 * which reads no further than its stream's end tell where the next segment
 * starts. Also offers peeking and direct buffer access (for {@link java.util.zip.Inflater}).
 */
final class ChannelInput extends InputStream {
    static final int BUFFER_SIZE = 1 << 16;

    private final SeekableByteChannel channel;
    private final long base;
    private final long size;
    private final byte[] buf = new byte[BUFFER_SIZE];
    private final ByteBuffer wrapped = ByteBuffer.wrap(buf);
    /** Logical offset of {@code buf[0]}. */
    private long bufStart;
    private int pos;
    private int limit;

    /**
     * @param channel the channel to read
     * @param base channel position of logical offset 0
     * @param size number of bytes readable from {@code base}
     */
    ChannelInput(SeekableByteChannel channel, long base, long size) {
        this.channel = channel;
        this.base = base;
        this.size = size;
    }

    /** Logical position: bytes consumed so far. */
    long position() {
        return bufStart + pos;
    }

    /** Bytes left until the logical end. */
    long remaining() {
        return size - position();
    }

    long size() {
        return size;
    }

    /**
     * Makes at least {@code min} bytes available in the buffer when the range
     * still has them ({@code min <= BUFFER_SIZE}); returns the number available.
     */
    int ensure(int min) throws IOException {
        if (limit - pos >= min) {
            return limit - pos;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            bufStart += pos;
            limit -= pos;
            pos = 0;
        }
        while (limit < min) {
            long left = size - (bufStart + limit);
            if (left <= 0) {
                break;
            }
            int want = (int) Math.min(BUFFER_SIZE - limit, left);
            wrapped.limit(limit + want).position(limit);
            int n;
            try {
                channel.position(base + bufStart + limit);
                n = channel.read(wrapped);
            } catch (IOException e) {
                throw new ChannelIOException(e);
            }
            if (n < 0) {
                break; // the channel is shorter than announced: the caller sees a truncation
            }
            limit += n;
        }
        return limit - pos;
    }

    /** Copies up to {@code n} upcoming bytes into {@code dst} without consuming them. */
    int peek(byte[] dst, int n) throws IOException {
        int avail = Math.min(ensure(n), n);
        System.arraycopy(buf, pos, dst, 0, avail);
        return avail;
    }

    /** The next byte without consuming it, or -1 at the end. */
    int peekByte() throws IOException {
        return ensure(1) > 0 ? buf[pos] & 0xff : -1;
    }

    /** Direct access for Inflater: the buffer, valid from {@link #bufferPosition()} for {@link #ensure}d bytes. */
    byte[] buffer() {
        return buf;
    }

    int bufferPosition() {
        return pos;
    }

    /** Consumes {@code n} buffered bytes. */
    void consume(int n) {
        if (n < 0 || n > limit - pos) {
            throw new IllegalArgumentException("consume " + n + " of " + (limit - pos));
        }
        pos += n;
    }

    @Override
    public int read() throws IOException {
        return ensure(1) > 0 ? buf[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int avail = ensure(1);
        if (avail == 0) {
            return -1;
        }
        int n = Math.min(avail, len);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = 0;
        while (skipped < n) {
            int avail = ensure(1);
            if (avail == 0) {
                break;
            }
            int step = (int) Math.min(avail, n - skipped);
            pos += step;
            skipped += step;
        }
        return skipped;
    }

    @Override
    public int available() {
        return limit - pos;
    }

    /** Does not close the channel: the caller owns it. */
    @Override
    public void close() {
        // nothing
    }
}
