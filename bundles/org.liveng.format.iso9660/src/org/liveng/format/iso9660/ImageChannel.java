package org.liveng.format.iso9660;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;

import org.liveng.api.FormatException;

/**
 * Bounds-checked positional reads from the image channel. Every read names what it
 * wanted, so a truncated or hostile image fails with a {@link FormatException} that says
 * which structure lay outside the image. Reads are serialised because a
 * {@link SeekableByteChannel} has a single position.
 */
final class ImageChannel implements AutoCloseable {
    /** Largest single read this class performs; callers stream anything larger. */
    static final int MAX_READ = 1 << 20;

    private final SeekableByteChannel channel;
    private final long size;

    ImageChannel(SeekableByteChannel channel) throws IOException {
        this.channel = channel;
        this.size = channel.size();
    }

    long size() {
        return size;
    }

    /** Throws unless {@code [offset, offset + length)} lies inside the image. */
    void checkRange(long offset, long length, String what) throws FormatException {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new FormatException(offset, what + " at offset " + IsoBytes.hex(offset) + " (" + length
                    + " bytes) lies beyond the end of the image (" + size + " bytes)");
        }
    }

    /**
     * Reads exactly {@code length} bytes at {@code offset} into a fresh little-endian buffer.
     *
     * @param what the structure being read, for the error message
     */
    ByteBuffer read(long offset, int length, String what) throws FormatException {
        if (length > MAX_READ) {
            throw new FormatException(offset, what + " at offset " + IsoBytes.hex(offset) + ": read of " + length
                    + " bytes exceeds the limit of " + MAX_READ);
        }
        checkRange(offset, length, what);
        ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        try {
            readFully(offset, buf);
        } catch (IOException e) {
            throw new FormatException(offset, what + " at offset " + IsoBytes.hex(offset) + ": read failed: " + e.getMessage(), e);
        }
        buf.flip();
        return buf;
    }

    /** Reads as many bytes as fit into {@code dst} starting at {@code offset}; short only at end of image. */
    int readAt(long offset, ByteBuffer dst) throws IOException {
        synchronized (channel) {
            channel.position(offset);
            int total = 0;
            while (dst.hasRemaining()) {
                int n = channel.read(dst);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            return total;
        }
    }

    private void readFully(long offset, ByteBuffer dst) throws IOException, FormatException {
        int want = dst.remaining();
        int got = readAt(offset, dst);
        if (got < want) {
            throw new FormatException(offset + got, "unexpected end of image at offset " + IsoBytes.hex(offset + got)
                    + ": wanted " + want + " bytes at " + IsoBytes.hex(offset) + ", got " + got);
        }
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
