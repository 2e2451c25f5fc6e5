package org.liveng.format.luks2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;

import org.liveng.api.ErrorCodes;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;

/**
 * The bytes {@code [offset, offset + length)} of a channel that hold a LUKS
 * container (a partition inside a disk image, or a whole file). Positions
 * given to its methods are relative to the container start; nothing outside
 * the region is ever read or written.
 */
public final class ContainerRegion {
    private final SeekableByteChannel channel;
    private final long offset;
    private final long length;

    public ContainerRegion(SeekableByteChannel channel, long offset, long length) {
        if (offset < 0 || length < 0 || offset + length < 0) {
            throw new IllegalArgumentException("bad region offset " + offset + " length " + length);
        }
        this.channel = channel;
        this.offset = offset;
        this.length = length;
    }

    /** The whole channel. */
    public static ContainerRegion whole(SeekableByteChannel channel) throws LivengException {
        try {
            return new ContainerRegion(channel, 0, channel.size());
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot read the size of the container: " + e.getMessage(), null, e);
        }
    }

    public SeekableByteChannel channel() {
        return channel;
    }

    public long offset() {
        return offset;
    }

    public long length() {
        return length;
    }

    /** Reads {@code len} bytes at {@code pos}; a range outside the region is a {@link FormatException} naming {@code what}. */
    public byte[] read(long pos, int len, String what) throws LivengException {
        byte[] b = new byte[checkRange(pos, len, what)];
        read(pos, b, 0, len, what);
        return b;
    }

    /** Reads exactly {@code len} bytes into {@code b}; bytes past the end of a shorter channel read as zeros. */
    public void read(long pos, byte[] b, int off, int len, String what) throws LivengException {
        transfer(pos, ByteBuffer.wrap(b, off, len), false, what);
    }

    /** Writes {@code len} bytes of {@code b} at {@code pos}. */
    public void write(long pos, byte[] b, int off, int len, String what) throws LivengException {
        transfer(pos, ByteBuffer.wrap(b, off, len), true, what);
    }

    private void transfer(long pos, ByteBuffer bb, boolean write, String what) throws LivengException {
        checkRange(pos, bb.remaining(), what);
        try {
            long p = offset + pos;
            while (bb.hasRemaining()) {
                int n;
                if (channel instanceof FileChannel fc) {
                    n = write ? fc.write(bb, p) : fc.read(bb, p);
                } else {
                    synchronized (channel) {
                        channel.position(p);
                        n = write ? channel.write(bb) : channel.read(bb);
                    }
                }
                if (n < 0) {
                    while (bb.hasRemaining()) {
                        bb.put((byte) 0);
                    }
                    break;
                }
                p += n;
            }
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot " + (write ? "write " : "read ") + what + " at offset " + (offset + pos) + ": "
                    + e.getMessage(), null, e);
        }
    }

    /**
     * Makes {@code [pos, pos + len)} read as zeros. Chunks that already read
     * as zeros (the holes of a fresh sparse image) are left alone, so they
     * stay holes; a device's old contents are overwritten.
     */
    public void zero(long pos, long len, String what) throws LivengException {
        byte[] z = new byte[(int) Math.min(len, 1 << 20)];
        byte[] old = new byte[z.length];
        for (long done = 0; done < len; ) {
            int n = (int) Math.min(z.length, len - done);
            read(pos + done, old, 0, n, what);
            if (!java.util.Arrays.equals(old, 0, n, z, 0, n)) {
                write(pos + done, z, 0, n, what);
            }
            done += n;
        }
    }

    private int checkRange(long pos, long len, String what) throws FormatException {
        if (pos < 0 || len < 0 || pos > length || len > length - pos) {
            throw new FormatException(offset + Math.max(pos, 0), what + " at offset " + pos + " (" + len
                    + " bytes) lies outside the container of " + length + " bytes");
        }
        return (int) len;
    }
}
