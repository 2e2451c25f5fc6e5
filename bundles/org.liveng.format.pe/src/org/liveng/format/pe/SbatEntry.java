package org.liveng.format.pe;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.liveng.api.FormatException;

/**
 * One line of a {@code .sbat} section (shim's "UEFI Secure Boot Advanced
 * Targeting"): CSV {@code component_name,component_generation,vendor_name,
 * vendor_package_name,vendor_version,vendor_url}. The first line is normally
 * {@code sbat,1,SBAT Version,...}. Missing trailing fields are empty strings.
 */
public record SbatEntry(String component, int generation, String vendorName, String vendorPackageName,
        String vendorVersion, String vendorUrl) {

    /** Parses section data: text up to the first NUL, one entry per non-blank line. */
    static List<SbatEntry> parse(byte[] section, long sectionOffset, String source) throws FormatException {
        int end = 0;
        while (end < section.length && section[end] != 0) {
            end++;
        }
        List<SbatEntry> out = new ArrayList<>();
        int lineStart = 0;
        while (lineStart < end) {
            int lineEnd = lineStart;
            while (lineEnd < end && section[lineEnd] != '\n') {
                lineEnd++;
            }
            long at = sectionOffset + lineStart;
            String l = new String(section, lineStart, lineEnd - lineStart, StandardCharsets.UTF_8).strip();
            lineStart = lineEnd + 1;
            if (l.isEmpty()) {
                continue;
            }
            String[] f = l.split(",", -1);
            if (f.length < 2) {
                throw new FormatException(at, source + ": .sbat line at offset 0x" + Long.toHexString(at)
                        + " has " + f.length + " field(s), expected at least component,generation: \"" + l + "\"");
            }
            int generation;
            try {
                generation = Integer.parseInt(f[1].strip());
            } catch (NumberFormatException e) {
                throw new FormatException(at, source + ": .sbat line at offset 0x" + Long.toHexString(at)
                        + ": generation \"" + f[1] + "\" of component \"" + f[0] + "\" is not a number");
            }
            out.add(new SbatEntry(f[0], generation, field(f, 2), field(f, 3), field(f, 4), field(f, 5)));
        }
        return List.copyOf(out);
    }

    private static String field(String[] f, int i) {
        return i < f.length ? f[i] : "";
    }
}
