package org.liveng.format.fat;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * 8.3 short names: validity, the checksum long name slots carry, the case bits, and
 * the basis-name generation with numeric tails (fatgen103 §6.1 "DIR_Name", §7
 * "Name Matching In Short &amp; Long Names" and "Basis-Name Generation Algorithm").
 *
 * <p>Short names written here are plain ASCII (no OEM code page bytes): a character
 * outside ASCII or not allowed in a short name becomes '_' and forces a numeric tail.
 */
public final class ShortNames {

    /** Characters other than A-Z and 0-9 that a short name may hold (fatgen103 §6.1). */
    private static final String SHORT_SPECIALS = "$%'-_@~`!(){}^#&";
    /** Characters a long name must not hold, besides controls below 0x20. */
    private static final String LONG_FORBIDDEN = "\"*/:<>?\\|";

    private ShortNames() {
    }

    /** The checksum of an 11-byte short name stored in each of its long name slots. */
    public static int checksum(byte[] name11) {
        int sum = 0;
        for (int i = 0; i < 11; i++) {
            sum = (((sum & 1) << 7) + ((sum & 0xFF) >>> 1) + (name11[i] & 0xFF)) & 0xFF;
        }
        return sum;
    }

    /** "NAME.EXT" from the 11 raw bytes, lower-casing parts flagged in DIR_NTRes. */
    public static String display(byte[] name11, int ntRes) {
        byte[] n = name11.clone();
        if ((n[0] & 0xFF) == DirectoryEntry.KANJI_E5) {
            n[0] = (byte) 0xE5;
        }
        String base = rtrim(new String(n, 0, 8, StandardCharsets.ISO_8859_1));
        String ext = rtrim(new String(n, 8, 3, StandardCharsets.ISO_8859_1));
        if ((ntRes & DirectoryEntry.NT_LOWER_BASE) != 0) {
            base = base.toLowerCase(Locale.ROOT);
        }
        if ((ntRes & DirectoryEntry.NT_LOWER_EXT) != 0) {
            ext = ext.toLowerCase(Locale.ROOT);
        }
        return ext.isEmpty() ? base : base + "." + ext;
    }

    private static String rtrim(String s) {
        int e = s.length();
        while (e > 0 && s.charAt(e - 1) == ' ') {
            e--;
        }
        return s.substring(0, e);
    }

    /** Whether an upper-case ASCII character may appear in a short name. */
    static boolean isShortChar(char c) {
        return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || SHORT_SPECIALS.indexOf(c) >= 0;
    }

    /**
     * Why a long name cannot be stored, or {@code null} when it can: empty, "." or "..",
     * longer than 255 UCS-2 units, a control character or one of {@code " * / : < > ? \ |},
     * or ending in a period or a space (Windows strips those).
     */
    public static String invalidLongName(String name) {
        if (name.isEmpty()) {
            return "empty name";
        }
        if (name.equals(".") || name.equals("..")) {
            return "'" + name + "' is reserved";
        }
        if (name.length() > LongNameEntry.MAX_NAME) {
            return "name is " + name.length() + " UCS-2 characters long, at most " + LongNameEntry.MAX_NAME + " are allowed";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || LONG_FORBIDDEN.indexOf(c) >= 0) {
                return String.format("character U+%04X at index %d is not allowed in a FAT name", (int) c, i);
            }
        }
        char last = name.charAt(name.length() - 1);
        if (last == '.' || last == ' ') {
            return "name ends with '" + last + "'";
        }
        return null;
    }

    /**
     * How a long name is stored when it fits 8.3 without a long name: the 11 bytes and
     * the DIR_NTRes case bits. Returns {@code null} when the name needs long name slots
     * (it does not fit 8.3, has characters not allowed in short names, or mixes cases
     * within the name or the extension).
     */
    static Plain plain(String name) {
        int dot = name.indexOf('.');
        if (dot != name.lastIndexOf('.') || dot == 0) {
            return null;
        }
        String base = dot < 0 ? name : name.substring(0, dot);
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        if (base.isEmpty() || base.length() > 8 || ext.length() > 3 || dot >= 0 && ext.isEmpty()) {
            return null;
        }
        int baseCase = caseOf(base);
        int extCase = caseOf(ext);
        if (baseCase < 0 || extCase < 0) {
            return null;
        }
        String upper = (base + ext).toUpperCase(Locale.ROOT);
        for (int i = 0; i < upper.length(); i++) {
            if (!isShortChar(upper.charAt(i))) {
                return null;
            }
        }
        int nt = (baseCase == 1 ? DirectoryEntry.NT_LOWER_BASE : 0) | (extCase == 1 ? DirectoryEntry.NT_LOWER_EXT : 0);
        return new Plain(pack(base.toUpperCase(Locale.ROOT), ext.toUpperCase(Locale.ROOT)), nt);
    }

    /** A name stored in the short entry alone. */
    record Plain(byte[] name11, int ntRes) {
    }

    /** 0: no lower-case letters, 1: only lower-case letters, -1: mixed or not ASCII. */
    private static int caseOf(String s) {
        boolean lower = false;
        boolean upper = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0x7F) {
                return -1;
            }
            lower |= c >= 'a' && c <= 'z';
            upper |= c >= 'A' && c <= 'Z';
        }
        return lower && upper ? -1 : lower ? 1 : 0;
    }

    /**
     * The short name for a long name that needs long name slots, unique among
     * {@code taken} (upper-case "NAME.EXT" strings; the result is added to it). Follows
     * the fatgen103 basis-name algorithm: upper-case, drop spaces and leading periods,
     * replace characters not allowed in short names by '_', take up to 8 characters
     * before the last period (periods removed) and up to 3 after it; then, unless the
     * conversion was lossless and the long name already was that 8.3 name apart from
     * case, append the first free tail "~1" ... "~999999".
     */
    static byte[] generate(String longName, Set<String> taken) {
        StringBuilder cleaned = new StringBuilder();
        boolean lossy = false;
        for (int i = 0; i < longName.length(); i++) {
            char c = longName.charAt(i);
            if (c == ' ') {
                lossy = true;
                continue;
            }
            char u = Character.toUpperCase(c);
            if (c == '.' || isShortChar(u)) {
                cleaned.append(c == '.' ? '.' : u);
            } else {
                cleaned.append('_');
                lossy = true;
            }
        }
        int lead = 0;
        while (lead < cleaned.length() && cleaned.charAt(lead) == '.') {
            lead++;
        }
        if (lead > 0) {
            lossy = true;
        }
        String s = cleaned.substring(lead);
        int lastDot = s.lastIndexOf('.');
        String base = (lastDot < 0 ? s : s.substring(0, lastDot)).replace(".", "");
        String ext = lastDot < 0 ? "" : s.substring(lastDot + 1);
        if (base.length() != (lastDot < 0 ? s.length() : lastDot)) {
            lossy = true; // embedded periods were removed
        }
        if (base.length() > 8 || ext.length() > 3) {
            lossy = true;
        }
        if (base.isEmpty()) {
            base = "_";
            lossy = true;
        }
        ext = ext.length() > 3 ? ext.substring(0, 3) : ext;
        String primary = base.length() > 8 ? base.substring(0, 8) : base;
        if (!lossy) {
            String candidate = ext.isEmpty() ? primary : primary + "." + ext;
            if (taken.add(candidate)) {
                return pack(primary, ext);
            }
        }
        for (int n = 1; n <= 999_999; n++) {
            String tail = "~" + n;
            String p = primary.length() + tail.length() > 8 ? primary.substring(0, 8 - tail.length()) : primary;
            String candidate = (p + tail) + (ext.isEmpty() ? "" : "." + ext);
            if (taken.add(candidate)) {
                return pack(p + tail, ext);
            }
        }
        throw new IllegalStateException("no free short name tail for " + longName);
    }

    /** The "NAME.EXT" key of 11 raw bytes, for uniqueness checks. */
    static String key(byte[] name11) {
        return display(name11, 0);
    }

    /** Packs an upper-case base (at most 8) and extension (at most 3) into 11 space-padded bytes. */
    static byte[] pack(String base, String ext) {
        byte[] n = new byte[11];
        java.util.Arrays.fill(n, (byte) ' ');
        byte[] b = base.getBytes(StandardCharsets.US_ASCII);
        byte[] e = ext.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, n, 0, b.length);
        System.arraycopy(e, 0, n, 8, e.length);
        return n;
    }
}
