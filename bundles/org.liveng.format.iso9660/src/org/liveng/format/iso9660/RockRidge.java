package org.liveng.format.iso9660;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.liveng.api.FormatException;

/**
 * The Rock Ridge attributes of one directory record (RRIP IEEE P1282), decoded from its
 * SUSP entries. Fields that the record does not carry are -1 / {@code null}.
 *
 * <table>
 * <caption>RRIP entries understood</caption>
 * <tr><th>entry</th><th>RRIP §</th><th>data layout (after the 4-byte SUSP header)</th></tr>
 * <tr><td>PX</td><td>4.1.1</td><td>mode, links, uid, gid (both-endian 32 each) [, serial (1.12)]</td></tr>
 * <tr><td>SL</td><td>4.1.3</td><td>flags, then component records: flags, length, content</td></tr>
 * <tr><td>NM</td><td>4.1.4</td><td>flags (CONTINUE 1, CURRENT 2, PARENT 4), name bytes</td></tr>
 * <tr><td>CL</td><td>4.1.5.1</td><td>location of the relocated directory (both-endian 32)</td></tr>
 * <tr><td>PL</td><td>4.1.5.2</td><td>location of the original parent (both-endian 32)</td></tr>
 * <tr><td>RE</td><td>4.1.5.3</td><td>none: this directory was relocated</td></tr>
 * <tr><td>TF</td><td>4.1.6</td><td>flags, then 7- or 17-byte times in bit order</td></tr>
 * </table>
 *
 * @param present whether any RRIP entry was found
 * @param name the NM name, or {@code null}
 * @param mode POSIX mode including file type bits, or -1
 * @param nlink link count, or -1
 * @param uid owner, or -1
 * @param gid group, or -1
 * @param symlinkTarget the SL target, or {@code null}
 * @param created TF creation time, or {@code null}
 * @param modified TF modification time, or {@code null}
 * @param accessed TF access time, or {@code null}
 * @param attributesChanged TF attribute change time, or {@code null}
 * @param childLink CL location (block of the relocated directory), or -1
 * @param parentLink PL location, or -1
 * @param relocated whether an RE entry marks this as the relocated copy
 */
public record RockRidge(boolean present, String name, long mode, long nlink, long uid, long gid, String symlinkTarget,
        Instant created, Instant modified, Instant accessed, Instant attributesChanged, long childLink,
        long parentLink, boolean relocated) {

    /** Extension identifiers in an ER entry that announce Rock Ridge. */
    static final List<String> RRIP_IDS = List.of("RRIP_1991A", "IEEE_P1282", "IEEE_1282");

    static final int NM_CONTINUE = 0x01;
    static final int NM_CURRENT = 0x02;
    static final int NM_PARENT = 0x04;
    static final int SL_CONTINUE = 0x01;
    static final int SLC_CONTINUE = 0x01;
    static final int SLC_CURRENT = 0x02;
    static final int SLC_PARENT = 0x04;
    static final int SLC_ROOT = 0x08;
    static final int TF_LONG_FORM = 0x80;
    static final int TF_CREATION = 0;
    static final int TF_MODIFY = 1;
    static final int TF_ACCESS = 2;
    static final int TF_ATTRIBUTES = 3;
    /** POSIX file type bits. */
    static final long S_IFMT = 0170000;
    static final long S_IFLNK = 0120000;
    static final long S_IFDIR = 0040000;

    static final RockRidge NONE = new RockRidge(false, null, -1, -1, -1, -1, null, null, null, null, null, -1, -1, false);

    /** Decodes the entries of one record; unknown signatures are ignored. */
    static RockRidge decode(List<SuspEntry> entries) throws FormatException {
        boolean present = false;
        StringBuilder name = null;
        boolean nameDone = false;
        long mode = -1;
        long nlink = -1;
        long uid = -1;
        long gid = -1;
        List<String> parts = null;
        StringBuilder component = null;
        boolean componentContinues = false;
        Instant[] times = new Instant[7];
        long cl = -1;
        long pl = -1;
        boolean re = false;
        for (SuspEntry e : entries) {
            ByteBuffer d = e.buffer();
            int n = e.data().length;
            switch (e.signature()) {
                case "PX" -> {
                    need(e, n, 32);
                    present = true;
                    mode = IsoBytes.both32(d, 0, e.dataOffset(), "Rock Ridge PX entry", "file mode");
                    nlink = IsoBytes.both32(d, 8, e.dataOffset(), "Rock Ridge PX entry", "links");
                    uid = IsoBytes.both32(d, 16, e.dataOffset(), "Rock Ridge PX entry", "user id");
                    gid = IsoBytes.both32(d, 24, e.dataOffset(), "Rock Ridge PX entry", "group id");
                }
                case "NM" -> {
                    need(e, n, 1);
                    present = true;
                    int flags = d.get(0) & 0xFF;
                    if ((flags & (NM_CURRENT | NM_PARENT)) != 0 || nameDone) {
                        break;
                    }
                    if (name == null) {
                        name = new StringBuilder();
                    }
                    name.append(new String(e.data(), 1, n - 1, StandardCharsets.UTF_8));
                    nameDone = (flags & NM_CONTINUE) == 0;
                }
                case "SL" -> {
                    need(e, n, 1);
                    present = true;
                    if (parts == null) {
                        parts = new ArrayList<>();
                    }
                    int pos = 1;
                    while (pos < n) {
                        if (n - pos < 2) {
                            throw new FormatException(e.dataOffset() + pos, "Rock Ridge SL entry at offset "
                                    + IsoBytes.hex(e.offset()) + ": truncated component record at data byte " + pos);
                        }
                        int cflags = d.get(pos) & 0xFF;
                        int clen = d.get(pos + 1) & 0xFF;
                        if (pos + 2 + clen > n) {
                            throw new FormatException(e.dataOffset() + pos, "Rock Ridge SL entry at offset "
                                    + IsoBytes.hex(e.offset()) + ": component length " + clen + " exceeds the "
                                    + (n - pos - 2) + " bytes left");
                        }
                        String text;
                        if ((cflags & SLC_ROOT) != 0) {
                            text = "";
                        } else if ((cflags & SLC_PARENT) != 0) {
                            text = "..";
                        } else if ((cflags & SLC_CURRENT) != 0) {
                            text = ".";
                        } else {
                            text = new String(e.data(), pos + 2, clen, StandardCharsets.UTF_8);
                        }
                        if (componentContinues && component != null) {
                            component.append(text);
                        } else {
                            if (component != null) {
                                parts.add(component.toString());
                            }
                            component = new StringBuilder(text);
                        }
                        componentContinues = (cflags & SLC_CONTINUE) != 0;
                        pos += 2 + clen;
                    }
                }
                case "TF" -> {
                    need(e, n, 1);
                    present = true;
                    int flags = d.get(0) & 0xFF;
                    int size = (flags & TF_LONG_FORM) != 0 ? DecDateTime.LENGTH : 7;
                    int pos = 1;
                    for (int bit = 0; bit < 7; bit++) {
                        if ((flags & (1 << bit)) == 0) {
                            continue;
                        }
                        if (pos + size > n) {
                            throw new FormatException(e.offset(), "Rock Ridge TF entry at offset " + IsoBytes.hex(e.offset())
                                    + ": flags 0x" + Integer.toHexString(flags) + " announce more timestamps than its "
                                    + n + " data bytes hold");
                        }
                        times[bit] = size == 7 ? DecDateTime.parseShort(d, pos) : DecDateTime.parse(d, pos).instant();
                        pos += size;
                    }
                }
                case "CL" -> {
                    need(e, n, 8);
                    present = true;
                    cl = IsoBytes.both32(d, 0, e.dataOffset(), "Rock Ridge CL entry", "location of child directory");
                }
                case "PL" -> {
                    need(e, n, 8);
                    present = true;
                    pl = IsoBytes.both32(d, 0, e.dataOffset(), "Rock Ridge PL entry", "location of parent directory");
                }
                case "RE" -> {
                    present = true;
                    re = true;
                }
                case "RR" -> present = true;
                default -> {
                    // SP, ER, ES, PD, PN, SF, AA, AL, ZF and vendor entries: not needed for the tree
                }
            }
        }
        if (component != null) {
            parts.add(component.toString());
        }
        String target = null;
        if (parts != null) {
            target = String.join("/", parts);
            if (target.isEmpty() && !parts.isEmpty()) {
                target = "/";
            }
            if (parts.size() > 1 && parts.get(0).isEmpty() && target.startsWith("//")) {
                target = target.substring(1);
            }
        }
        return new RockRidge(present, name == null ? null : name.toString(), mode, nlink, uid, gid, target,
                times[TF_CREATION], times[TF_MODIFY], times[TF_ACCESS], times[TF_ATTRIBUTES], cl, pl, re);
    }

    private static void need(SuspEntry e, int have, int want) throws FormatException {
        if (have < want) {
            throw new FormatException(e.offset(), "Rock Ridge " + e.signature() + " entry at offset "
                    + IsoBytes.hex(e.offset()) + ": " + have + " data bytes, expected at least " + want);
        }
    }

    /** True if an ER entry among {@code entries} names a Rock Ridge extension. */
    static boolean announced(List<SuspEntry> entries) {
        for (SuspEntry e : entries) {
            if (!SuspParser.ER.equals(e.signature()) || e.data().length < 4) {
                continue;
            }
            int idLen = e.data()[0] & 0xFF;
            if (4 + idLen <= e.data().length) {
                String id = new String(e.data(), 4, idLen, StandardCharsets.ISO_8859_1);
                if (RRIP_IDS.contains(id)) {
                    return true;
                }
            }
        }
        return false;
    }

    boolean isSymlink() {
        return symlinkTarget != null || (mode >= 0 && (mode & S_IFMT) == S_IFLNK);
    }
}
