package org.liveng.core.internal.forge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;

/**
 * A distro's {@code SHA256SUMS} file (coreutils format: 64 hex digits, a
 * space, a space or {@code *}, the file name, possibly with a folder).
 * Debian publishes one beside its live ISOs; its own signature
 * ({@code SHA256SUMS.sign}) is for gpg to check.
 */
final class Checksums {
    private Checksums() {
    }

    /** The SHA-256 the file lists for the ISO's file name; a clear error when it lists none or is malformed. */
    static String expected(Path sums, Path iso) throws LivengException {
        List<String> lines;
        try {
            if (Files.size(sums) > (16 << 20)) {
                throw new LivengException(ErrorCodes.FORMAT, sums + " is larger than any SHA256SUMS file (16 MiB)", null);
            }
            lines = Files.readAllLines(sums, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.NOT_FOUND, "cannot read " + sums + ": " + e.getMessage(), "give the distro's SHA256SUMS file");
        }
        String name = iso.getFileName().toString();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.length() < 67 || !line.substring(0, 64).chars().allMatch(c -> Character.digit(c, 16) >= 0) || line.charAt(64) != ' '
                    || (line.charAt(65) != ' ' && line.charAt(65) != '*')) {
                throw new LivengException(ErrorCodes.FORMAT, sums + " line " + (i + 1) + " is not '<sha256>  <file>': " + abbreviate(line),
                        "give the distro's SHA256SUMS file (sha256sum format)");
            }
            String listed = line.substring(66);
            String base = listed.substring(listed.lastIndexOf('/') + 1);
            if (base.equals(name)) {
                return line.substring(0, 64).toLowerCase(Locale.ROOT);
            }
        }
        throw new LivengException(ErrorCodes.PREFLIGHT, sums + " does not list " + name,
                "the ISO must keep the file name it was published with, and the SHA256SUMS file must be the one beside it");
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
