package org.liveng.distro.debian.internal;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Release facts parsed from Debian's own texts: {@code .disk/info} lines such as
 * {@code Debian GNU/Linux 12.7.0 "Bookworm" - Official amd64 LIVE/INSTALL Binary 20240831-10:40}
 * and base-files versions such as {@code 12.4+deb12u7}.
 */
record DebianRelease(String name, String version, String codename, String architecture) {
    static final Map<String, String> CODENAMES = Map.of(
            "10", "buster", "11", "bullseye", "12", "bookworm", "13", "trixie", "14", "forky");
    private static final Pattern VERSION = Pattern.compile("\\b(\\d{1,2}(?:\\.\\d+){0,2})\\b");
    private static final Pattern CODENAME = Pattern.compile("\"([A-Za-z][A-Za-z -]*)\"");
    private static final Pattern ARCH = Pattern.compile("\\b(amd64|i386|arm64|armhf|armel|ppc64el|s390x|riscv64|mips64el|loong64)\\b");

    /** Parses a {@code .disk/info} text; parts that are not there are empty. */
    static DebianRelease fromDiskInfo(String info) {
        String line = info.strip().lines().findFirst().orElse("");
        String version = "";
        Matcher v = VERSION.matcher(line.replaceAll("\\d{8}-\\d{2}:\\d{2}", ""));
        if (v.find()) {
            version = v.group(1);
        }
        String codename = "";
        Matcher c = CODENAME.matcher(line);
        if (c.find()) {
            codename = c.group(1).trim().split("\\s+")[0].toLowerCase(Locale.ROOT);
        }
        if (codename.isEmpty() && !version.isEmpty()) {
            codename = CODENAMES.getOrDefault(version.split("\\.")[0], "");
        }
        String arch = "";
        Matcher a = ARCH.matcher(line);
        if (a.find()) {
            arch = a.group(1);
        }
        return new DebianRelease(line, version, codename, arch);
    }

    /** The codename of a Debian major version, from a base-files version like {@code 12.4+deb12u7}. */
    static Optional<String> codenameOfBaseFiles(String baseFilesVersion) {
        Matcher v = Pattern.compile("^(?:\\d+:)?(\\d+)").matcher(baseFilesVersion);
        return v.find() ? Optional.ofNullable(CODENAMES.get(v.group(1))) : Optional.empty();
    }

    /** The major version of a base-files version, e.g. {@code 12}. */
    static String majorOfBaseFiles(String baseFilesVersion) {
        Matcher v = Pattern.compile("^(?:\\d+:)?(\\d+(?:\\.\\d+)?)").matcher(baseFilesVersion);
        return v.find() ? v.group(1) : "";
    }
}
