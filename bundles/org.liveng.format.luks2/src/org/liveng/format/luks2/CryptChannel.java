package org.liveng.format.luks2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.medium.FixedSizeChannel;

/**
 * The plaintext of an {@code aes-xts-plain64} data segment as a channel, the
 * way dm-crypt presents it: position 0 is the first byte of the segment.
 *
 * <p>Sector {@code i} of the segment (in units of the segment's sector size)
 * is encrypted as XTS data unit {@code ivBase + i * sectorSize / 512}: like
 * dm-crypt without {@code iv_large_sectors}, which is how cryptsetup sets up
 * LUKS1 and LUKS2, the IV counts 512-byte units even for 4096-byte sectors.
 * For LUKS2 {@code ivBase} is the segment's {@code iv_tweak}; for LUKS1 it is 0.
 *
 * <p>Reads and writes go through in batches of up to 1 MiB; writes that do not
 * cover whole sectors read, decrypt and re-encrypt the sectors they touch.
 * Not thread-safe. Closing it wipes the cipher buffers, not the underlying channel.
 */
public final class CryptChannel extends FixedSizeChannel {
    static final int BATCH = 1 << 20;

    private final ContainerRegion data;
    private final long length;
    private final int sectorSize;
    private final long ivBase;
    private final int ivStep;
    private final AesXts xts;

    /**
     * @param data the data area; its position 0 is the first byte of the segment
     * @param length segment bytes (a whole number of sectors)
     * @param sectorSize 512 to 4096
     * @param ivBase XTS data unit number of the first sector (in 512-byte units)
     * @param key the volume key (copied into the cipher; the caller keeps ownership)
     */
    public CryptChannel(ContainerRegion data, long length, int sectorSize, long ivBase, VolumeKey key) {
        super(wholeSectors(length, sectorSize), "an encrypted segment");
        this.data = data;
        this.length = length;
        this.sectorSize = sectorSize;
        this.ivBase = ivBase;
        this.ivStep = sectorSize / 512;
        this.xts = key.xts();
    }

    public int sectorSize() {
        return sectorSize;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        long position = position();
        if (position >= length) {
            return -1;
        }
        int n = (int) Math.min(Math.min(dst.remaining(), length - position), BATCH);
        if (n == 0) {
            return 0;
        }
        long first = position / sectorSize;
        long end = ceilDiv(position + n, sectorSize);
        byte[] buf = new byte[(int) ((end - first) * sectorSize)];
        try {
            readSectors(first, buf, buf.length);
        } catch (LivengException e) {
            throw new IOException(e.getMessage(), e);
        }
        dst.put(buf, (int) (position - first * sectorSize), n);
        java.util.Arrays.fill(buf, (byte) 0);
        advance(n);
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        ensureOpen();
        if (!src.hasRemaining()) {
            return 0;
        }
        long position = position();
        if (position >= length) {
            throw new IOException("write at " + position + " beyond the end of the encrypted segment (" + length + " bytes)");
        }
        int n = (int) Math.min(Math.min(src.remaining(), length - position), BATCH);
        long first = position / sectorSize;
        long end = ceilDiv(position + n, sectorSize);
        byte[] buf = new byte[(int) ((end - first) * sectorSize)];
        int inBuf = (int) (position - first * sectorSize);
        try {
            if (inBuf != 0 || n != buf.length) {
                readSectors(first, buf, buf.length);
            }
            src.get(buf, inBuf, n);
            writeSectors(first, buf, buf.length);
        } catch (LivengException e) {
            throw new IOException(e.getMessage(), e);
        }
        java.util.Arrays.fill(buf, (byte) 0);
        advance(n);
        return n;
    }

    /** Reads and decrypts {@code len} bytes (whole sectors) starting at segment sector {@code sector}. */
    public void readSectors(long sector, byte[] buf, int len) throws LivengException {
        data.read(sector * sectorSize, buf, 0, len, "encrypted data");
        xts.decrypt(buf, 0, len, ivBase + sector * ivStep, sectorSize, ivStep);
    }

    /** Encrypts {@code buf} in place (it holds ciphertext afterwards) and writes it at segment sector {@code sector}. */
    public void writeSectors(long sector, byte[] buf, int len) throws LivengException {
        xts.encrypt(buf, 0, len, ivBase + sector * ivStep, sectorSize, ivStep);
        data.write(sector * sectorSize, buf, 0, len, "encrypted data");
    }

    /**
     * Encrypts only the given ranges of a (sparse) plaintext image into this
     * segment: plaintext byte {@code x} lands at segment byte {@code x}. Each
     * range is widened to whole sectors (the widening reads the plaintext
     * around it, holes read as zeros); everything else in the segment is left
     * untouched, so unwritten parts of a sparse target stay holes.
     *
     * @return the number of bytes encrypted and written
     */
    public long encryptRanges(SeekableByteChannel plaintext, List<DataRange> ranges) throws LivengException {
        List<long[]> spans = new ArrayList<>();
        for (DataRange r : ranges) {
            if (r.length() == 0) {
                continue;
            }
            long s = (r.offset() / sectorSize) * sectorSize;
            long e = ceilDiv(r.end(), sectorSize) * sectorSize;
            if (e > length) {
                throw new LivengException(ErrorCodes.USAGE, "data range [" + r.offset() + ", " + r.end()
                        + ") does not fit the encrypted segment of " + length + " bytes");
            }
            spans.add(new long[] {s, e});
        }
        spans.sort(Comparator.comparingLong(a -> a[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] s : spans) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && s[0] <= last[1]) {
                last[1] = Math.max(last[1], s[1]);
            } else {
                merged.add(s);
            }
        }
        long plainEnd = merged.isEmpty() ? 0 : merged.get(merged.size() - 1)[1];
        ContainerRegion plain = new ContainerRegion(plaintext, 0, plainEnd);
        byte[] buf = new byte[BATCH];
        long total = 0;
        for (long[] s : merged) {
            for (long p = s[0]; p < s[1]; ) {
                int n = (int) Math.min(BATCH, s[1] - p);
                plain.read(p, buf, 0, n, "plaintext");
                writeSectors(p / sectorSize, buf, n);
                p += n;
                total += n;
            }
        }
        java.util.Arrays.fill(buf, (byte) 0);
        return total;
    }

    @Override
    public void close() {
        markClosed();
        xts.close();
    }

    private static long wholeSectors(long length, int sectorSize) {
        if (length % sectorSize != 0) {
            throw new IllegalArgumentException("segment length " + length + " is not a multiple of the sector size " + sectorSize);
        }
        return length;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
