package org.liveng.format.initrd;

import java.io.IOException;
import java.io.InputStream;

/**
 * Passes through exactly the bytes of a run of consecutive Zstandard frames
 * (and skippable frames) and then reports end of stream, so that a streaming
 * zstd decoder, which reads ahead, never swallows the next initramfs segment.
 * The frame structure is parsed on the fly (RFC 8878, section 3.1):
 *
 * <pre>
 * Zstandard frame: Magic 0xFD2FB528 (LE) | Frame_Header_Descriptor (1) |
 *                  [Window_Descriptor (1)] | [Dictionary_ID (0-4)] | [Frame_Content_Size (0-8)] |
 *                  Block... | [Content_Checksum (4)]
 * Block:           Block_Header (3, LE: bit 0 Last_Block, bits 1-2 Block_Type, bits 3-23 Block_Size) |
 *                  Block_Content (Block_Size bytes; 1 byte for RLE blocks)
 * Skippable frame: Magic 0x184D2A50..5F (LE) | Frame_Size (4, LE) | data
 * </pre>
 *
 * The run ends where the next four bytes are not a frame magic, or at the end
 * of the input. Only structure is checked here; the decoder checks content.
 */
final class ZstdFrameSlicer extends InputStream {
    static final int FRAME_MAGIC = 0xFD2FB528;
    static final int SKIPPABLE_MAGIC_MASK = 0xFFFFFFF0;
    static final int SKIPPABLE_MAGIC = 0x184D2A50;
    /** Block_Maximum_Size: blocks never exceed 128 KiB. */
    static final int MAX_BLOCK_SIZE = 128 * 1024;
    private static final int BLOCK_HEADER_SIZE = 3;
    private static final int CHECKSUM_SIZE = 4;
    private static final int BLOCK_TYPE_RLE = 1;
    private static final int BLOCK_TYPE_RESERVED = 3;

    private enum State { FRAME_START, BLOCK_HEADER, CHECKSUM, END }

    private final ChannelInput in;
    private final long start;
    /** The structure expected once the current one has been passed on. */
    private State state = State.FRAME_START;
    private boolean first = true;
    private boolean checksum;
    /** Header bytes already read from the input and not yet passed on. */
    private final byte[] pending = new byte[32];
    private int pendingPos;
    private int pendingLen;
    /** Content bytes to pass through from the input before the next structure. */
    private long passthrough;
    private int frames;

    ZstdFrameSlicer(ChannelInput in) {
        this.in = in;
        this.start = in.position();
    }

    /** Number of Zstandard frames seen so far (skippable frames not counted). */
    int frames() {
        return frames;
    }

    private CorruptDataException corrupt(String what) {
        return new CorruptDataException(in.position(), "zstd data at offset 0x" + Long.toHexString(start) + ": "
                + what + " at offset 0x" + Long.toHexString(in.position()));
    }

    private void take(int n, String what) throws IOException {
        for (int i = 0; i < n; i++) {
            int b = in.read();
            if (b < 0) {
                throw corrupt("truncated " + what);
            }
            pending[pendingLen++] = (byte) b;
        }
    }

    private static int le(byte[] b, int off, int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            v |= (b[off + i] & 0xff) << (8 * i);
        }
        return v;
    }

    /** Reads the next structure header into {@code pending}; false at the end of the run. */
    private boolean advance() throws IOException {
        pendingPos = 0;
        pendingLen = 0;
        switch (state) {
            case FRAME_START -> {
                byte[] m = new byte[4];
                int n = in.peek(m, 4);
                int magic = n == 4 ? le(m, 0, 4) : 0;
                if (n == 4 && magic == FRAME_MAGIC) {
                    take(4, "frame magic");
                    readFrameHeader();
                    frames++;
                    state = State.BLOCK_HEADER;
                } else if (n == 4 && (magic & SKIPPABLE_MAGIC_MASK) == SKIPPABLE_MAGIC) {
                    take(8, "skippable frame header");
                    passthrough = le(pending, 4, 4) & 0xffffffffL;
                    state = State.FRAME_START;
                } else if (first) {
                    throw corrupt("expected zstd frame magic 28 b5 2f fd, found " + Compression.hex(m, n));
                } else {
                    state = State.END;
                    return false;
                }
                first = false;
            }
            case BLOCK_HEADER -> {
                take(BLOCK_HEADER_SIZE, "block header (expected 3 bytes)");
                int h = le(pending, 0, BLOCK_HEADER_SIZE);
                boolean last = (h & 1) != 0;
                int type = (h >>> 1) & 3;
                int size = h >>> 3;
                if (type == BLOCK_TYPE_RESERVED) {
                    throw corrupt("reserved block type 3");
                }
                if (size > MAX_BLOCK_SIZE) {
                    throw corrupt("block size " + size + " exceeds the maximum " + MAX_BLOCK_SIZE);
                }
                passthrough = type == BLOCK_TYPE_RLE ? 1 : size;
                state = last ? (checksum ? State.CHECKSUM : State.FRAME_START) : State.BLOCK_HEADER;
            }
            case CHECKSUM -> {
                take(CHECKSUM_SIZE, "content checksum");
                state = State.FRAME_START;
            }
            case END -> {
                return false;
            }
        }
        return true;
    }

    private void readFrameHeader() throws IOException {
        take(1, "frame header descriptor");
        int fhd = pending[pendingLen - 1] & 0xff;
        if ((fhd & 0x08) != 0) {
            throw corrupt("reserved bit set in frame header descriptor 0x" + Integer.toHexString(fhd));
        }
        int fcsFlag = fhd >>> 6;
        boolean singleSegment = (fhd & 0x20) != 0;
        checksum = (fhd & 0x04) != 0;
        int dictFlag = fhd & 3;
        int windowSize = singleSegment ? 0 : 1;
        int dictSize = dictFlag == 3 ? 4 : dictFlag;
        int fcsSize = switch (fcsFlag) {
            case 0 -> singleSegment ? 1 : 0;
            case 1 -> 2;
            case 2 -> 4;
            default -> 8;
        };
        take(windowSize + dictSize + fcsSize, "frame header");
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
        while (pendingPos == pendingLen && passthrough == 0) {
            if (!advance()) {
                return -1;
            }
        }
        if (pendingPos < pendingLen) {
            int n = Math.min(len, pendingLen - pendingPos);
            System.arraycopy(pending, pendingPos, b, off, n);
            pendingPos += n;
            return n;
        }
        int n = in.read(b, off, (int) Math.min(len, passthrough));
        if (n < 0) {
            throw corrupt("truncated block or skippable frame (" + passthrough + " bytes missing)");
        }
        passthrough -= n;
        return n;
    }
}
