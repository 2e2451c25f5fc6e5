package org.liveng.format.iso9660;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes SUSP 1.12 (IEEE P1281) and RRIP 1.12 (IEEE P1282) system use entries for the writer,
 * the mirror of {@link SuspParser} and {@link RockRidge}. Every entry is one byte array holding
 * the 4-byte header (signature, LEN, version 1) and its data; none is longer than 255 bytes.
 *
 * <pre>
 * SP  SUSP §5.3   check bytes BE EF, LEN_SKP                      7 bytes, root "." only, first
 * CE  SUSP §5.1   block, offset, length of the continuation area  28 bytes (both-endian 32 each)
 * ER  SUSP §5.5   LEN_ID LEN_DES LEN_SRC EXT_VER, id, descriptor, source
 * PX  RRIP §4.1.1 mode, links, uid, gid, serial number            44 bytes (both-endian 32 each)
 * TF  RRIP §4.1.6 flags, 7-byte times for modify, access, attributes
 * NM  RRIP §4.1.4 flags (CONTINUE 1), name bytes
 * SL  RRIP §4.1.3 flags (CONTINUE 1), component records: flags (CONTINUE 1, CURRENT 2, PARENT 4, ROOT 8), len, bytes
 * </pre>
 */
final class SuspWriter {
    static final int MAX_ENTRY = 255;
    static final int HEADER = SuspEntry.HEADER_LENGTH;
    static final int PX_LENGTH = 44;
    /** RRIP 1.12 extension identifier, descriptor and source (RRIP §5.5 / SUSP §5.5). */
    static final String ER_ID = "IEEE_1282";
    static final String ER_DESCRIPTOR = "THE IEEE 1282 PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS.";
    static final String ER_SOURCE = "PLEASE CONTACT THE IEEE STANDARDS DEPARTMENT, PISCATAWAY, NJ, USA FOR THE 1282 SPECIFICATION.";
    /** TF flags written: modification, access and attribute change, short form. */
    static final int TF_FLAGS = (1 << RockRidge.TF_MODIFY) | (1 << RockRidge.TF_ACCESS) | (1 << RockRidge.TF_ATTRIBUTES);

    private SuspWriter() {
    }

    private static ByteBuffer entry(String sig, int len) {
        ByteBuffer b = ByteBuffer.allocate(len);
        b.put(0, (byte) sig.charAt(0)).put(1, (byte) sig.charAt(1)).put(2, (byte) len).put(3, (byte) 1);
        return b;
    }

    static byte[] sp() {
        ByteBuffer b = entry(SuspParser.SP, 7);
        b.put(4, (byte) SuspParser.SP_CHECK_1).put(5, (byte) SuspParser.SP_CHECK_2).put(6, (byte) 0);
        return b.array();
    }

    static byte[] er() {
        byte[] id = ER_ID.getBytes(StandardCharsets.US_ASCII);
        byte[] des = ER_DESCRIPTOR.getBytes(StandardCharsets.US_ASCII);
        byte[] src = ER_SOURCE.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = entry(SuspParser.ER, 8 + id.length + des.length + src.length);
        b.put(4, (byte) id.length).put(5, (byte) des.length).put(6, (byte) src.length).put(7, (byte) 1);
        b.put(8, id).put(8 + id.length, des).put(8 + id.length + des.length, src);
        return b.array();
    }

    static byte[] ce(long block, long offset, long length) {
        ByteBuffer b = entry(SuspParser.CE, SuspParser.CE_LENGTH);
        IsoEncode.both32(b, 4, block);
        IsoEncode.both32(b, 12, offset);
        IsoEncode.both32(b, 20, length);
        return b.array();
    }

    static byte[] px(long mode, long nlink, long uid, long gid, long serial) {
        ByteBuffer b = entry("PX", PX_LENGTH);
        IsoEncode.both32(b, 4, mode);
        IsoEncode.both32(b, 12, nlink);
        IsoEncode.both32(b, 20, uid);
        IsoEncode.both32(b, 28, gid);
        IsoEncode.both32(b, 36, serial);
        return b.array();
    }

    static byte[] tf(Instant t) {
        byte[] d = IsoEncode.shortDate(t);
        ByteBuffer b = entry("TF", HEADER + 1 + 3 * d.length);
        b.put(4, (byte) TF_FLAGS);
        for (int i = 0; i < 3; i++) {
            b.put(5 + i * d.length, d);
        }
        return b.array();
    }

    /** NM entries for a name, split with the CONTINUE flag when it exceeds one entry. */
    static List<byte[]> nm(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        int room = MAX_ENTRY - HEADER - 1;
        List<byte[]> out = new ArrayList<>();
        int pos = 0;
        do {
            int k = Math.min(room, n.length - pos);
            ByteBuffer b = entry("NM", HEADER + 1 + k);
            b.put(4, (byte) (pos + k < n.length ? RockRidge.NM_CONTINUE : 0));
            b.put(5, n, pos, k);
            out.add(b.array());
            pos += k;
        } while (pos < n.length);
        return out;
    }

    /**
     * SL entries for a symbolic link target: a leading '/' becomes a ROOT component, "." and
     * ".." CURRENT and PARENT, empty components (doubled or trailing slashes) are dropped, and a
     * component longer than fits is split with the component CONTINUE flag. Entries other than
     * the last carry the SL CONTINUE flag.
     */
    static List<byte[]> sl(String target) {
        List<byte[]> comps = new ArrayList<>();
        if (target.startsWith("/")) {
            comps.add(new byte[] {(byte) RockRidge.SLC_ROOT, 0});
        }
        int maxText = MAX_ENTRY - HEADER - 1 - 2;
        for (String part : target.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.equals(".")) {
                comps.add(new byte[] {(byte) RockRidge.SLC_CURRENT, 0});
            } else if (part.equals("..")) {
                comps.add(new byte[] {(byte) RockRidge.SLC_PARENT, 0});
            } else {
                byte[] t = part.getBytes(StandardCharsets.UTF_8);
                int pos = 0;
                while (pos < t.length) {
                    int k = Math.min(maxText, t.length - pos);
                    byte[] c = new byte[2 + k];
                    c[0] = (byte) (pos + k < t.length ? RockRidge.SLC_CONTINUE : 0);
                    c[1] = (byte) k;
                    System.arraycopy(t, pos, c, 2, k);
                    comps.add(c);
                    pos += k;
                }
            }
        }
        List<byte[]> out = new ArrayList<>();
        ByteArrayOutputStream cur = new ByteArrayOutputStream();
        int room = MAX_ENTRY - HEADER - 1;
        for (byte[] c : comps) {
            if (cur.size() + c.length > room) {
                out.add(slEntry(cur.toByteArray()));
                cur.reset();
            }
            cur.write(c, 0, c.length);
        }
        out.add(slEntry(cur.toByteArray()));
        for (int i = 0; i < out.size() - 1; i++) {
            out.get(i)[4] = (byte) RockRidge.SL_CONTINUE;
        }
        return out;
    }

    private static byte[] slEntry(byte[] components) {
        ByteBuffer b = entry("SL", HEADER + 1 + components.length);
        b.put(4, (byte) 0);
        b.put(5, components);
        return b.array();
    }
}
