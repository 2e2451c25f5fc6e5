package org.liveng.format.pe.internal;

import org.liveng.api.FormatException;

/**
 * Bounds-checked little-endian reads from a byte array: every read names the
 * structure and the offset when it would leave the array.
 */
public final class Le {
    private Le() {
    }

    /** Fails unless {@code [offset, offset+length)} lies inside {@code data}. */
    public static void require(byte[] data, long offset, long length, String what) throws FormatException {
        if (offset < 0 || length < 0 || offset > data.length || length > data.length - offset) {
            throw new FormatException(offset, what + " at offset 0x" + Long.toHexString(offset) + " (" + length
                    + " bytes) lies outside the " + data.length + "-byte input");
        }
    }

    public static int u8(byte[] b, int off) {
        return b[off] & 0xFF;
    }

    public static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    public static long u32(byte[] b, int off) {
        return (b[off] & 0xFFL) | (b[off + 1] & 0xFFL) << 8 | (b[off + 2] & 0xFFL) << 16 | (b[off + 3] & 0xFFL) << 24;
    }

    public static long u64(byte[] b, int off) {
        return u32(b, off) | u32(b, off + 4) << 32;
    }

    public static void put16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }

    public static void put32(byte[] b, int off, long v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    /** {@code n} rounded up to a multiple of 8 (the quadword alignment of WIN_CERTIFICATE entries). */
    public static long align8(long n) {
        return (n + 7) & ~7L;
    }
}
