package org.liveng.format.initrd;

import java.io.IOException;
import java.io.InputStream;

/**
 * Decompresses an LZ4 legacy frame, the format {@code lz4 -l} writes and the
 * kernel's {@code decompress_unlz4} reads (lz4 "Frame format", section
 * "Legacy frame"):
 *
 * <pre>
 * Magic 0x184C2102 (4 bytes LE) | { Block_Size (4 bytes LE) | LZ4 block } ...
 * </pre>
 *
 * Each block decompresses on its own to at most 8 MiB. The frame has no end
 * marker. Like the kernel, a repeated magic number where a block size is
 * expected is skipped (concatenated legacy frames). The frame ends at the end
 * of the input, at a block size of 0 (zero padding), at fewer than four bytes
 * that are all zero, or at a value larger than any valid block when the bytes
 * there start another initramfs segment; anything else larger than the bound
 * is corrupt.
 */
final class Lz4LegacyInputStream extends InputStream {
    static final int MAGIC = 0x184C2102;
    /** Uncompressed size of every block but the last (LZ4_DEFAULT_UNCOMPRESSED_CHUNK_SIZE). */
    static final int BLOCK_OUTPUT_MAX = 8 << 20;
    /** LZ4_compressBound(8 MiB): the largest possible compressed block. */
    static final int BLOCK_INPUT_MAX = BLOCK_OUTPUT_MAX + BLOCK_OUTPUT_MAX / 255 + 16;
    private static final int SIZE_FIELD = 4;
    private static final int MAX_EXPANSION = 255;
    private static final int EXPANSION_SLACK = 64;

    private final ChannelInput in;
    private final long start;
    private byte[] out = new byte[0];
    private byte[] block = new byte[0];
    private int outPos;
    private int outLen;
    private boolean eof;
    private int blocks;

    Lz4LegacyInputStream(ChannelInput in) throws IOException {
        this.in = in;
        this.start = in.position();
        byte[] m = new byte[SIZE_FIELD];
        int n = in.peek(m, SIZE_FIELD);
        if (n < SIZE_FIELD || le32(m) != MAGIC) {
            throw corrupt(in.position(), "expected lz4 legacy magic 02 21 4c 18, found " + Compression.hex(m, n));
        }
        in.consume(SIZE_FIELD);
    }

    int blocks() {
        return blocks;
    }

    private CorruptDataException corrupt(long at, String what) {
        return new CorruptDataException(at, "lz4 legacy frame at offset 0x" + Long.toHexString(start) + ": " + what
                + " at offset 0x" + Long.toHexString(at));
    }

    private static int le32(byte[] b) {
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    /** Decodes the next block into {@code out}; false at the end of the frame. */
    private boolean nextBlock() throws IOException {
        byte[] f = new byte[Compression.MAGIC_PROBE_LENGTH];
        while (true) {
            long at = in.position();
            int n = in.peek(f, f.length);
            if (n < SIZE_FIELD) {
                for (int i = 0; i < n; i++) {
                    if (f[i] != 0) {
                        throw corrupt(at, "truncated block size field: " + Compression.hex(f, n));
                    }
                }
                return false; // end of input, possibly after zero padding
            }
            long size = le32(f) & 0xffffffffL;
            if (size == MAGIC) {
                in.consume(SIZE_FIELD); // a concatenated legacy frame continues the stream
                continue;
            }
            if (size == 0) {
                return false; // zero padding before the next segment
            }
            if (size > BLOCK_INPUT_MAX) {
                if (Compression.detect(f, n) != null) {
                    return false; // the next segment starts here
                }
                throw corrupt(at, "block size " + size + " exceeds the maximum " + BLOCK_INPUT_MAX + " (found "
                        + Compression.hex(f, n) + ")");
            }
            if (size > in.remaining() - SIZE_FIELD) {
                throw corrupt(at, "block of " + size + " bytes but only " + (in.remaining() - SIZE_FIELD)
                        + " bytes left in the input");
            }
            in.consume(SIZE_FIELD);
            int len = (int) size;
            if (block.length < len) {
                block = new byte[len]; // bounded by BLOCK_INPUT_MAX and by the bytes actually present
            }
            int got = 0;
            while (got < len) {
                int r = in.read(block, got, len - got);
                if (r < 0) {
                    throw corrupt(in.position(), "truncated block (" + (len - got) + " bytes missing)");
                }
                got += r;
            }
            // LZ4 expands at most ~255:1, so a small block never needs the full 8 MiB
            int cap = (int) Math.min(BLOCK_OUTPUT_MAX, (long) len * MAX_EXPANSION + EXPANSION_SLACK);
            if (out.length < cap) {
                out = new byte[cap];
            }
            try {
                outLen = Lz4Block.decompress(block, 0, len, out, 0, cap);
            } catch (Lz4Block.Lz4Exception e) {
                throw corrupt(at + SIZE_FIELD + e.position, "invalid lz4 block: " + e.getMessage());
            }
            outPos = 0;
            blocks++;
            return true;
        }
    }

    @Override
    public int read() throws IOException {
        byte[] b = new byte[1];
        return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (outPos == outLen) {
            if (eof || !nextBlock()) {
                eof = true;
                return -1;
            }
        }
        int n = Math.min(len, outLen - outPos);
        System.arraycopy(out, outPos, b, off, n);
        outPos += n;
        return n;
    }
}
