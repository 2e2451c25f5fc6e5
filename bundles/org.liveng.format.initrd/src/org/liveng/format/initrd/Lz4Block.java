package org.liveng.format.initrd;

/**
 * Decoder for one LZ4 block (lz4 "Block format" description).
 *
 * <p>A block is a series of sequences. Each starts with a token byte: the high
 * nibble is the literal length, the low nibble the match length minus 4 (the
 * minimum match). A nibble of 15 continues in following bytes, each added to
 * the length, until a byte below 255. Then come the literals, then a 2-byte
 * little-endian offset back into the output (1 to 65535) and the match is
 * copied byte by byte, so it may overlap its own output (a run). The last
 * sequence has literals only: the block ends after them.
 *
 * <p>Every length and offset is checked against the input and output bounds;
 * nothing is allocated here.
 */
final class Lz4Block {
    static final int MIN_MATCH = 4;
    private static final int NIBBLE_MAX = 15;
    private static final int LENGTH_BYTE_MAX = 255;

    /** A violation of the block format; {@code position} is the offset inside the block. */
    static final class Lz4Exception extends Exception {
        private static final long serialVersionUID = 1L;
        final int position;

        Lz4Exception(int position, String message) {
            super(message);
            this.position = position;
        }
    }

    private Lz4Block() {
    }

    /**
     * Decodes {@code src[srcOff, srcOff+srcLen)} into {@code dst} from {@code dstOff}, writing at most {@code dstCap} bytes.
     *
     * @return the number of bytes written
     */
    static int decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstCap) throws Lz4Exception {
        int s = srcOff;
        int sEnd = srcOff + srcLen;
        int d = dstOff;
        int dEnd = dstOff + dstCap;
        if (srcLen == 0) {
            throw new Lz4Exception(0, "empty block");
        }
        while (true) {
            int token = src[s++] & 0xff;
            long literals = token >>> 4;
            if (literals == NIBBLE_MAX) {
                int b;
                do {
                    if (s >= sEnd) {
                        throw new Lz4Exception(s - srcOff, "literal length runs past the end of the block");
                    }
                    b = src[s++] & 0xff;
                    literals += b;
                } while (b == LENGTH_BYTE_MAX);
            }
            if (literals > sEnd - s) {
                throw new Lz4Exception(s - srcOff, literals + " literals but only " + (sEnd - s) + " bytes left in the block");
            }
            if (literals > dEnd - d) {
                throw new Lz4Exception(s - srcOff, "output exceeds " + dstCap + " bytes");
            }
            System.arraycopy(src, s, dst, d, (int) literals);
            s += (int) literals;
            d += (int) literals;
            if (s == sEnd) {
                return d - dstOff; // last sequence: literals only
            }
            if (sEnd - s < 2) {
                throw new Lz4Exception(s - srcOff, "truncated match offset");
            }
            int offset = (src[s] & 0xff) | (src[s + 1] & 0xff) << 8;
            s += 2;
            if (offset == 0) {
                throw new Lz4Exception(s - 2 - srcOff, "match offset 0");
            }
            if (offset > d - dstOff) {
                throw new Lz4Exception(s - 2 - srcOff, "match offset " + offset + " reaches before the start of the output ("
                        + (d - dstOff) + " bytes written)");
            }
            long match = token & NIBBLE_MAX;
            if (match == NIBBLE_MAX) {
                int b;
                do {
                    if (s >= sEnd) {
                        throw new Lz4Exception(s - srcOff, "match length runs past the end of the block");
                    }
                    b = src[s++] & 0xff;
                    match += b;
                } while (b == LENGTH_BYTE_MAX);
            }
            match += MIN_MATCH;
            if (match > dEnd - d) {
                throw new Lz4Exception(s - srcOff, "output exceeds " + dstCap + " bytes");
            }
            int from = d - offset;
            if (offset >= match) {
                System.arraycopy(dst, from, dst, d, (int) match);
                d += (int) match;
            } else {
                for (int i = 0; i < match; i++) {
                    dst[d++] = dst[from++]; // overlapping copy: repeats the last 'offset' bytes
                }
            }
            if (s >= sEnd) {
                throw new Lz4Exception(s - srcOff, "block ends after a match; the last sequence must be literals only");
            }
        }
    }
}
