package org.liveng.api.medium;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SeekableByteChannel;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The bookkeeping every fixed-size {@link SeekableByteChannel} of liveng shares
 * (a partition of an image, a decrypted LUKS segment, a file of a medium): its
 * size, its position, open/closed, and the refusal to truncate. Subclasses
 * implement {@link #read} and {@link #write} with {@link #position()},
 * {@link #advance(long)} and {@link #ensureOpen()}.
 */
@ConsumerType
public abstract class FixedSizeChannel implements SeekableByteChannel {
    private final long size;
    private final String what;
    private long position;
    private boolean open = true;

    /**
     * @param size the channel's size in bytes
     * @param what what it is, for the refusal to truncate ("a partition")
     */
    protected FixedSizeChannel(long size, String what) {
        this.size = size;
        this.what = what;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position");
        }
        position = newPosition;
        return this;
    }

    /** Moves the position forward by {@code n} bytes just read or written. */
    protected final void advance(long n) {
        position += n;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) throws IOException {
        throw new IOException(what + " has a fixed size and cannot be truncated");
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        markClosed();
    }

    /** Marks the channel closed: for subclasses whose {@code close()} frees more and throws nothing. */
    protected final void markClosed() {
        open = false;
    }

    /** Throws {@link ClosedChannelException} once closed (or when {@link #isOpen()} says so). */
    protected final void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }
}
