package org.liveng.format.iso9660;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * ISO 9660 identifiers for the writer: real names mapped to upper-case d-characters in the
 * 8.3 shape that every reader accepts (ECMA-119 §7.5 and §7.6), made unique per directory, and
 * the ordering of §9.3 (directory records) and §6.9.1 (path table).
 *
 * <p>A file "initrd.img" becomes {@code INITRD.IMG;1}, "vmlinuz" {@code VMLINUZ.;1} (the
 * separator is always present), a directory "live" {@code LIVE}. Characters other than
 * {@code A-Z 0-9 _} become {@code _}; the name part is cut to 8 characters and the extension
 * to 3. A clash within one directory replaces the end of the name part with {@code ~N}.
 */
final class IsoNames {
    static final int NAME_MAX = 8;
    static final int EXT_MAX = 3;

    private IsoNames() {
    }

    /** Hands out unique identifiers within one directory; feed it the children in a stable order. */
    static final class Uniquifier {
        private final Set<String> taken = new HashSet<>();
        private final Map<String, Integer> next = new HashMap<>();

        /** The identifier bytes for a child. */
        byte[] assign(String realName, boolean directory) {
            String upper = realName.toUpperCase(Locale.ROOT);
            String base;
            String ext;
            int dot = upper.lastIndexOf('.');
            if (directory || dot < 0) {
                base = map(upper, directory);
                ext = "";
            } else {
                base = map(upper.substring(0, dot), false);
                ext = map(upper.substring(dot + 1), false);
            }
            if (base.length() > NAME_MAX) {
                base = base.substring(0, NAME_MAX);
            }
            if (ext.length() > EXT_MAX) {
                ext = ext.substring(0, EXT_MAX);
            }
            if (base.isEmpty()) {
                base = "_";
            }
            String key = key(base, ext);
            if (!taken.add(key)) {
                int n = next.getOrDefault(key, 1);
                String candidate;
                do {
                    String suffix = "~" + n++;
                    String b = base.substring(0, Math.min(base.length(), NAME_MAX - suffix.length())) + suffix;
                    candidate = key(b, ext);
                    if (taken.add(candidate)) {
                        base = b;
                        break;
                    }
                } while (true);
                next.put(key, n);
            }
            String id = directory ? base : base + "." + ext + ";1";
            return id.getBytes(StandardCharsets.US_ASCII);
        }

        private static String key(String base, String ext) {
            return ext.isEmpty() ? base : base + "." + ext;
        }
    }

    private static String map(String s, boolean directory) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(IsoWriterOptions.isDCharacter(c) ? c : '_');
        }
        return b.toString();
    }

    /**
     * ECMA-119 §9.3: name parts compared with the shorter padded by spaces, then extensions the
     * same way, then version numbers in descending order. Directory identifiers are all name.
     * The identifiers 0x00 and 0x01 ("." and "..") sort first, as their byte values do.
     */
    static int compareIdentifiers(byte[] a, byte[] b) {
        String sa = new String(a, StandardCharsets.ISO_8859_1);
        String sb = new String(b, StandardCharsets.ISO_8859_1);
        String[] pa = parts(sa);
        String[] pb = parts(sb);
        int c = padCompare(pa[0], pb[0]);
        if (c != 0) {
            return c;
        }
        c = padCompare(pa[1], pb[1]);
        if (c != 0) {
            return c;
        }
        return Integer.compare(version(pb[2]), version(pa[2]));
    }

    private static String[] parts(String s) {
        int semi = s.indexOf(';');
        String version = semi >= 0 ? s.substring(semi + 1) : "";
        String nameExt = semi >= 0 ? s.substring(0, semi) : s;
        int dot = nameExt.indexOf('.');
        return dot >= 0 ? new String[] {nameExt.substring(0, dot), nameExt.substring(dot + 1), version}
                : new String[] {nameExt, "", version};
    }

    private static int version(String v) {
        try {
            return v.isEmpty() ? 0 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int padCompare(String a, String b) {
        int n = Math.max(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = i < a.length() ? a.charAt(i) : ' ';
            char y = i < b.length() ? b.charAt(i) : ' ';
            if (x != y) {
                return Character.compare(x, y);
            }
        }
        return 0;
    }
}
