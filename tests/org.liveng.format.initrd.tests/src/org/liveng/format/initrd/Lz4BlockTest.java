package org.liveng.format.initrd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** The hand-written LZ4 block decoder on hand-assembled blocks. */
class Lz4BlockTest {

    private static byte[] b(int... v) {
        byte[] r = new byte[v.length];
        for (int k = 0; k < v.length; k++) {
            r[k] = (byte) v[k];
        }
        return r;
    }

    private static byte[] decode(byte[] block, int cap) throws Lz4Block.Lz4Exception {
        byte[] out = new byte[cap];
        int n = Lz4Block.decompress(block, 0, block.length, out, 0, cap);
        return Arrays.copyOf(out, n);
    }

    private static String text(byte[] x) {
        return new String(x, StandardCharsets.ISO_8859_1);
    }

    @Test
    void literalsOnly() throws Exception {
        assertEquals("hello", text(decode(b(0x50, 'h', 'e', 'l', 'l', 'o'), 100)));
    }

    @Test
    void overlappingMatchOfOffsetOneIsARun() throws Exception {
        // 'a', then match offset 1 length 10, then final literal 'b'
        byte[] block = b(0x16, 'a', 1, 0, 0x10, 'b');
        assertEquals("a".repeat(11) + "b", text(decode(block, 100)));
    }

    @Test
    void overlappingMatchOfOffsetTwoRepeatsAPair() throws Exception {
        byte[] block = b(0x23, 'a', 'b', 2, 0, 0x10, '!'); // match length 3+4 = 7
        assertEquals("ababababa!", text(decode(block, 100)));
    }

    @Test
    void nonOverlappingMatch() throws Exception {
        byte[] block = b(0x40, 'w', 'x', 'y', 'z', 4, 0, 0x10, '.');
        assertEquals("wxyzwxyz.", text(decode(block, 100)));
    }

    @Test
    void longLiteralLength() throws Exception {
        // 300 literals: 15 + 255 + 30
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(0xf0);
        o.write(255);
        o.write(30);
        byte[] lit = new byte[300];
        for (int k = 0; k < lit.length; k++) {
            lit[k] = (byte) k;
        }
        o.writeBytes(lit);
        assertArrayEquals(lit, decode(o.toByteArray(), 300));
    }

    @Test
    void literalLengthOfExactly15NeedsAZeroExtension() throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(0xf0);
        o.write(0);
        o.writeBytes("fifteen bytes!!".getBytes(StandardCharsets.US_ASCII));
        assertEquals("fifteen bytes!!", text(decode(o.toByteArray(), 15)));
    }

    @Test
    void longMatchLength() throws Exception {
        // match length 1000 = 4 + 15 + 255*3 + 216
        byte[] block = b(0x1f, 'q', 1, 0, 255, 255, 255, 216, 0x10, 'e');
        byte[] out = decode(block, 1002);
        assertEquals(1002, out.length);
        assertEquals("q".repeat(1001) + "e", text(out));
    }

    @Test
    void exactCapacityIsAccepted() throws Exception {
        assertEquals(5, decode(b(0x50, 1, 2, 3, 4, 5), 5).length);
    }

    @Test
    void lz4BadOffsetFail() {
        Lz4Block.Lz4Exception e = assertThrows(Lz4Block.Lz4Exception.class, () -> decode(b(0x14, 'a', 5, 0, 0x10, 'b'), 100));
        assertTrue(e.getMessage().contains("offset 5"), e.getMessage());
        assertEquals(2, e.position);
    }

    @Test
    void lz4ZeroOffsetFail() {
        assertThrows(Lz4Block.Lz4Exception.class, () -> decode(b(0x14, 'a', 0, 0, 0x10, 'b'), 100));
    }

    @Test
    void lz4LiteralsPastEndFail() {
        assertThrows(Lz4Block.Lz4Exception.class, () -> decode(b(0x50, 'a', 'b'), 100));
    }

    @Test
    void lz4LiteralLengthPastEndFail() {
        assertThrows(Lz4Block.Lz4Exception.class, () -> decode(b(0xf0, 255, 255), 100));
    }

    @Test
    void lz4OutputOverflowFail() {
        assertThrows(Lz4Block.Lz4Exception.class, () -> decode(b(0x50, 1, 2, 3, 4, 5), 4));
        assertThrows(Lz4Block.Lz4Exception.class, () -> decode(b(0x1f, 'q', 1, 0, 255, 255, 255, 216, 0x10, 'e'), 500));
    }

    @Test
    void lz4TruncatedOffsetFail() {
        assertThrows(Lz4Block.Lz4Exception.class, () -> decode(b(0x14, 'a', 1), 100));
    }

    @Test
    void lz4EndsWithMatchFail() {
        assertThrows(Lz4Block.Lz4Exception.class, () -> decode(b(0x14, 'a', 1, 0), 100));
    }

    @Test
    void lz4EmptyBlockFail() {
        assertThrows(Lz4Block.Lz4Exception.class, () -> decode(new byte[0], 100));
    }

    @Test
    void decodesRealToolOutput() throws Exception {
        byte[] data = new byte[200_000];
        for (int k = 0; k < data.length; k++) {
            data[k] = (byte) ("the quick brown fox ".charAt(k % 20) + (k / 997 % 3));
        }
        byte[] frame = TestSupport.lz4Legacy(data);
        // one block: magic, size, block
        int size = (frame[4] & 0xff) | (frame[5] & 0xff) << 8 | (frame[6] & 0xff) << 16 | (frame[7] & 0xff) << 24;
        assertEquals(frame.length - 8, size);
        byte[] out = new byte[data.length];
        assertEquals(data.length, Lz4Block.decompress(frame, 8, size, out, 0, out.length));
        assertArrayEquals(data, out);
    }
}
