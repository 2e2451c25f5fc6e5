package org.liveng.api.recipe;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as recipes write them: {@code 512}, {@code 256M}, {@code 4G}, {@code 1GiB} (binary units). */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("^(\\d+)([KMGT]i?B?|B)?$", Pattern.CASE_INSENSITIVE);

    private Sizes() {
    }

    /** The bytes of a size, or -1 when the text is not a size. */
    public static long parse(String value) {
        Matcher m = SIZE.matcher(value.strip());
        if (!m.matches()) {
            return -1;
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
        String unit = m.group(2) == null ? "" : m.group(2).toUpperCase(Locale.ROOT).substring(0, 1);
        int shift = switch (unit) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        return n > (Long.MAX_VALUE >> shift) ? -1 : n << shift;
    }
}
