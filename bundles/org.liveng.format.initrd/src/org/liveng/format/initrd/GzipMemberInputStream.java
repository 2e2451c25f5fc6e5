package org.liveng.format.initrd;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses exactly one gzip member (RFC 1952) and leaves the
 * {@link ChannelInput} positioned on the first byte after its 8-byte trailer,
 * as the kernel's gunzip does for an initramfs segment.
 *
 * <p>Member layout: {@code ID1 ID2 CM FLG MTIME(4) XFL OS}, then optional
 * {@code FEXTRA} (2-byte length + data), {@code FNAME} and {@code FCOMMENT}
 * (NUL-terminated), {@code FHCRC} (2 bytes), the raw deflate data (RFC 1951),
 * and the trailer {@code CRC32(4) ISIZE(4)}, both little-endian. The CRC and
 * size are verified.
 */
final class GzipMemberInputStream extends InputStream {
    private static final int FIXED_HEADER = 10;
    private static final int FLG_FHCRC = 0x02;
    private static final int FLG_FEXTRA = 0x04;
    private static final int FLG_FNAME = 0x08;
    private static final int FLG_FCOMMENT = 0x10;
    private static final int FLG_RESERVED = 0xe0;
    private static final int CM_DEFLATE = 8;
    private static final int TRAILER = 8;
    /** Longest FNAME / FCOMMENT we accept before calling the header corrupt. */
    private static final int MAX_HEADER_STRING = 1 << 16;

    private final ChannelInput in;
    private final long start;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private long outputSize;
    private boolean done;
    private final byte[] one = new byte[1];

    GzipMemberInputStream(ChannelInput in) throws IOException {
        this.in = in;
        this.start = in.position();
        readHeader();
    }

    private CorruptDataException corrupt(String what) {
        return new CorruptDataException(in.position(),
                "gzip member at offset 0x" + Long.toHexString(start) + ": " + what + " at offset 0x"
                        + Long.toHexString(in.position()));
    }

    private int readByte(String what) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw corrupt("truncated " + what);
        }
        return b;
    }

    private void readHeader() throws IOException {
        byte[] h = new byte[FIXED_HEADER];
        for (int i = 0; i < FIXED_HEADER; i++) {
            h[i] = (byte) readByte("header (expected 10 bytes)");
        }
        if ((h[2] & 0xff) != CM_DEFLATE) {
            throw corrupt("compression method " + (h[2] & 0xff) + ", expected 8 (deflate)");
        }
        int flg = h[3] & 0xff;
        if ((flg & FLG_RESERVED) != 0) {
            throw corrupt("reserved flag bits set in FLG 0x" + Integer.toHexString(flg));
        }
        if ((flg & FLG_FEXTRA) != 0) {
            int xlen = readByte("FEXTRA length") | readByte("FEXTRA length") << 8;
            if (in.skip(xlen) != xlen) {
                throw corrupt("truncated FEXTRA field of " + xlen + " bytes");
            }
        }
        if ((flg & FLG_FNAME) != 0) {
            skipString("FNAME");
        }
        if ((flg & FLG_FCOMMENT) != 0) {
            skipString("FCOMMENT");
        }
        if ((flg & FLG_FHCRC) != 0) {
            readByte("FHCRC");
            readByte("FHCRC");
        }
    }

    private void skipString(String field) throws IOException {
        for (int n = 0; readByte(field) != 0; n++) {
            if (n >= MAX_HEADER_STRING) {
                throw corrupt(field + " longer than " + MAX_HEADER_STRING + " bytes");
            }
        }
    }

    @Override
    public int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (done) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        while (true) {
            if (inflater.needsInput()) {
                int avail = in.ensure(1);
                if (avail == 0) {
                    throw corrupt("truncated deflate data (input ended before the end of the member)");
                }
                inflater.setInput(in.buffer(), in.bufferPosition(), avail);
            }
            int before = inflater.getRemaining();
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                throw corrupt("invalid deflate data (" + e.getMessage() + ")");
            }
            in.consume(before - inflater.getRemaining());
            if (n > 0) {
                crc.update(b, off, n);
                outputSize += n;
                return n;
            }
            if (inflater.finished()) {
                readTrailer();
                done = true;
                return -1;
            }
            if (inflater.needsDictionary()) {
                throw corrupt("deflate data needs a preset dictionary");
            }
        }
    }

    private void readTrailer() throws IOException {
        long storedCrc = 0;
        long storedSize = 0;
        for (int i = 0; i < TRAILER / 2; i++) {
            storedCrc |= (long) readByte("trailer (expected CRC32 and ISIZE)") << (8 * i);
        }
        for (int i = 0; i < TRAILER / 2; i++) {
            storedSize |= (long) readByte("trailer (expected CRC32 and ISIZE)") << (8 * i);
        }
        if (storedCrc != crc.getValue()) {
            throw corrupt(String.format("CRC32 mismatch: trailer says %08x, data gives %08x", storedCrc, crc.getValue()));
        }
        if (storedSize != (outputSize & 0xffffffffL)) {
            throw corrupt("ISIZE mismatch: trailer says " + storedSize + ", data gives " + (outputSize & 0xffffffffL));
        }
    }

    @Override
    public void close() {
        inflater.end();
    }
}
