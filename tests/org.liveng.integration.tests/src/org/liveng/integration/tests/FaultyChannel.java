package org.liveng.integration.tests;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A stick that loses power: writes 0..{@code landing-1} land, write {@code landing} lands only its first {@code tornBytes}
 * bytes (0: none), and from then on every write and sync fails, as on a device without power. Every write that lands
 * saves the bytes it replaces, so that {@link #undo} restores the image for the next crash point; {@link #log} is the
 * sequence of writes and syncs of the run.
 */
final class FaultyChannel extends FileChannel {
    /** One operation: a write of {@code length} bytes at {@code position}, or a sync ({@code length} &lt; 0). */
    record Op(long position, int length) {
        boolean sync() {
            return length < 0;
        }
    }

    private record Saved(long position, byte[] old) {
    }

    private final FileChannel target;
    private final long landing;
    private final int tornBytes;
    private final List<Op> log = new ArrayList<>();
    private final List<Saved> undo = new ArrayList<>();
    private long writes;
    private boolean dead;

    FaultyChannel(FileChannel target, long landing, int tornBytes) {
        this.target = target;
        this.landing = landing;
        this.tornBytes = tornBytes;
    }

    List<Op> log() {
        return log;
    }

    long writes() {
        return writes;
    }

    boolean crashed() {
        return dead;
    }

    /** Puts back every byte this channel's writes replaced. */
    void undo() throws IOException {
        for (int i = undo.size() - 1; i >= 0; i--) {
            Saved s = undo.get(i);
            target.write(ByteBuffer.wrap(s.old()), s.position());
        }
        undo.clear();
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        if (dead) {
            throw new IOException("the stick lost power");
        }
        long index = writes++;
        int n = src.remaining();
        log.add(new Op(position, n));
        if (index < landing) {
            land(src, position, n);
            return n;
        }
        dead = true;
        if (tornBytes > 0) {
            land(src.slice().limit(Math.min(tornBytes, n)), position, Math.min(tornBytes, n));
        }
        throw new IOException("the stick lost power during write " + index);
    }

    private void land(ByteBuffer src, long position, int n) throws IOException {
        ByteBuffer old = ByteBuffer.allocate(n);
        while (old.hasRemaining() && target.read(old, position + old.position()) > 0) {
            // the image is long enough for every write; a short read leaves zeros
        }
        undo.add(new Saved(position, old.array()));
        ByteBuffer b = src.duplicate();
        while (b.hasRemaining()) {
            target.write(b, position + (n - b.remaining()));
        }
        src.position(src.position() + n);
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (dead) {
            throw new IOException("the stick lost power");
        }
        log.add(new Op(-1, -1));
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return target.read(dst, position);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return target.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return target.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        throw new UnsupportedOperationException("positional writes only");
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        throw new UnsupportedOperationException("positional writes only");
    }

    @Override
    public long position() throws IOException {
        return target.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        target.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return target.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        throw new UnsupportedOperationException("a stick is never truncated");
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel to) throws IOException {
        throw new UnsupportedOperationException("not used by kernel updates");
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        throw new UnsupportedOperationException("not used by kernel updates");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        throw new UnsupportedOperationException("not used by kernel updates");
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        throw new UnsupportedOperationException("not used by kernel updates");
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        throw new UnsupportedOperationException("not used by kernel updates");
    }

    @Override
    protected void implCloseChannel() {
        // the image stays open for the next run
    }
}
