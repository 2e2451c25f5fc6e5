package org.liveng.format.iso9660;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.liveng.api.FormatException;

/**
 * Field decoding helpers shared by the on-disk structures: both-endian numbers
 * (ECMA-119 §7.2.3 and §7.3.3), padded character fields (§7.4) and offset formatting.
 * Every method takes the absolute image offset of the buffer start so that errors can name it.
 */
final class IsoBytes {

    private IsoBytes() {
    }

    /** {@code 0x9822}-style rendering of an offset for messages. */
    static String hex(long offset) {
        return "0x" + Long.toHexString(offset);
    }

    static int u8(ByteBuffer b, int pos) {
        return b.get(pos) & 0xFF;
    }

    static int u16le(ByteBuffer b, int pos) {
        return b.duplicate().order(ByteOrder.LITTLE_ENDIAN).getShort(pos) & 0xFFFF;
    }

    static int u16be(ByteBuffer b, int pos) {
        return b.duplicate().order(ByteOrder.BIG_ENDIAN).getShort(pos) & 0xFFFF;
    }

    static long u32le(ByteBuffer b, int pos) {
        return b.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(pos) & 0xFFFF_FFFFL;
    }

    static long u32be(ByteBuffer b, int pos) {
        return b.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(pos) & 0xFFFF_FFFFL;
    }

    /**
     * A 16-bit both-byte-order field (ECMA-119 §7.2.3): little-endian half at {@code pos},
     * big-endian half at {@code pos + 2}. The halves must agree.
     */
    static int both16(ByteBuffer b, int pos, long base, String structure, String field) throws FormatException {
        int le = u16le(b, pos);
        int be = u16be(b, pos + 2);
        if (le != be) {
            throw new FormatException(base + pos, structure + " at offset " + hex(base) + ": both-endian field " + field
                    + " at offset " + hex(base + pos) + " differs: little-endian " + le + ", big-endian " + be);
        }
        return le;
    }

    /**
     * A 32-bit both-byte-order field (ECMA-119 §7.3.3): little-endian half at {@code pos},
     * big-endian half at {@code pos + 4}. The halves must agree.
     */
    static long both32(ByteBuffer b, int pos, long base, String structure, String field) throws FormatException {
        long le = u32le(b, pos);
        long be = u32be(b, pos + 4);
        if (le != be) {
            throw new FormatException(base + pos, structure + " at offset " + hex(base) + ": both-endian field " + field
                    + " at offset " + hex(base + pos) + " differs: little-endian " + le + ", big-endian " + be);
        }
        return le;
    }

    static byte[] bytes(ByteBuffer b, int pos, int len) {
        byte[] out = new byte[len];
        b.get(pos, out);
        return out;
    }

    /** An a-/d-character field (ECMA-119 §7.4), padded with spaces; also strips NUL padding. */
    static String text(ByteBuffer b, int pos, int len) {
        return strip(new String(bytes(b, pos, len), StandardCharsets.ISO_8859_1));
    }

    /** A UCS-2 big-endian field of a Joliet descriptor, padded with spaces or NULs. */
    static String ucs2(ByteBuffer b, int pos, int len) {
        return strip(new String(bytes(b, pos, len & ~1), StandardCharsets.UTF_16BE));
    }

    private static String strip(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\0')) {
            end--;
        }
        return s.substring(0, end);
    }
}
