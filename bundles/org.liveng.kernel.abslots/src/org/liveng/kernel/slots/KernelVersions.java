package org.liveng.kernel.slots;

import java.util.Comparator;

/**
 * Orders kernel releases the way dpkg orders Debian versions (Debian Policy 5.6.12): an optional numeric epoch before
 * {@code :}, then the upstream part (up to the last {@code -}), then the revision (after it), each compared in
 * alternating non-digit and digit runs; in non-digit runs {@code ~} sorts before everything, even the end of the string,
 * and letters sort before other characters; digit runs compare as numbers.
 */
public final class KernelVersions {
    public static final Comparator<String> ORDER = KernelVersions::compare;

    private KernelVersions() {
    }

    public static int compare(String a, String b) {
        long ea = epoch(a);
        long eb = epoch(b);
        if (ea != eb) {
            return Long.compare(ea, eb);
        }
        String ra = afterEpoch(a);
        String rb = afterEpoch(b);
        int c = compareRest(upstream(ra), upstream(rb));
        return c != 0 ? c : compareRest(revision(ra), revision(rb));
    }

    /** Before the last {@code -} (the whole version when there is none). */
    private static String upstream(String v) {
        int d = v.lastIndexOf('-');
        return d < 0 ? v : v.substring(0, d);
    }

    /** After the last {@code -}, empty when there is none. */
    private static String revision(String v) {
        int d = v.lastIndexOf('-');
        return d < 0 ? "" : v.substring(d + 1);
    }

    private static long epoch(String v) {
        int c = v.indexOf(':');
        if (c <= 0 || !v.substring(0, c).chars().allMatch(Character::isDigit)) {
            return 0;
        }
        return Long.parseLong(v.substring(0, Math.min(c, 18)));
    }

    private static String afterEpoch(String v) {
        int c = v.indexOf(':');
        return c > 0 && v.substring(0, c).chars().allMatch(Character::isDigit) ? v.substring(c + 1) : v;
    }

    private static int compareRest(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            // non-digit run, character by character
            while ((i < a.length() && !isDigit(a.charAt(i))) || (j < b.length() && !isDigit(b.charAt(j)))) {
                int wa = i < a.length() && !isDigit(a.charAt(i)) ? weight(a.charAt(i)) : 0;
                int wb = j < b.length() && !isDigit(b.charAt(j)) ? weight(b.charAt(j)) : 0;
                if (wa != wb) {
                    return Integer.compare(wa, wb);
                }
                if (i < a.length() && !isDigit(a.charAt(i))) {
                    i++;
                }
                if (j < b.length() && !isDigit(b.charAt(j))) {
                    j++;
                }
            }
            // digit run, as a number (leading zeros do not count)
            while (i < a.length() && a.charAt(i) == '0') {
                i++;
            }
            while (j < b.length() && b.charAt(j) == '0') {
                j++;
            }
            int si = i;
            int sj = j;
            while (i < a.length() && isDigit(a.charAt(i))) {
                i++;
            }
            while (j < b.length() && isDigit(b.charAt(j))) {
                j++;
            }
            int la = i - si;
            int lb = j - sj;
            if (la != lb) {
                return Integer.compare(la, lb);
            }
            int c = a.substring(si, i).compareTo(b.substring(sj, j));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Sort weight of a non-digit character; 0 is the end of a run. */
    private static int weight(char c) {
        if (c == '~') {
            return -1;
        }
        if (Character.isLetter(c)) {
            return c;
        }
        return c + 256;
    }
}
