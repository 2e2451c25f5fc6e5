package org.liveng.distro.debian.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The Debian archive mirrors this machine's apt configuration uses (deb822
 * {@code *.sources} stanzas and one-line {@code sources.list} entries): liveng
 * names no mirror itself.
 */
final class HostAptSources {
    /** One {@code deb} source: a URI serving a suite. */
    record Source(String uri, String suite) {
    }

    private HostAptSources() {
    }

    static List<Source> read(Path etcApt) throws IOException {
        List<Source> out = new ArrayList<>();
        Path d = etcApt.resolve("sources.list.d");
        List<Path> files = new ArrayList<>();
        files.add(etcApt.resolve("sources.list"));
        if (Files.isDirectory(d)) {
            try (Stream<Path> s = Files.list(d)) {
                s.sorted().forEach(files::add);
            }
        }
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                continue;
            }
            String text = Files.readString(f, StandardCharsets.UTF_8);
            if (f.getFileName().toString().endsWith(".sources")) {
                out.addAll(deb822(text));
            } else if (f.getFileName().toString().endsWith(".list")) {
                out.addAll(oneLine(text));
            }
        }
        return out;
    }

    static List<Source> deb822(String text) {
        List<Source> out = new ArrayList<>();
        for (String stanza : text.split("\n\\s*\n")) {
            List<String> types = List.of();
            List<String> uris = List.of();
            List<String> suites = List.of();
            boolean enabled = true;
            for (String line : stanza.split("\n")) {
                if (line.startsWith("#") || !line.contains(":")) {
                    continue;
                }
                String key = line.substring(0, line.indexOf(':')).strip().toLowerCase(Locale.ROOT);
                List<String> values = List.of(line.substring(line.indexOf(':') + 1).strip().split("\\s+"));
                switch (key) {
                    case "types" -> types = values;
                    case "uris" -> uris = values;
                    case "suites" -> suites = values;
                    case "enabled" -> enabled = !values.get(0).toLowerCase(Locale.ROOT).startsWith("no");
                    default -> {
                    }
                }
            }
            if (enabled && types.contains("deb")) {
                for (String u : uris) {
                    for (String s : suites) {
                        out.add(new Source(u, s));
                    }
                }
            }
        }
        return out;
    }

    static List<Source> oneLine(String text) {
        List<Source> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.replaceFirst("#.*$", "").replaceAll("\\[[^]]*\\]", " ").strip();
            String[] f = l.split("\\s+");
            if (f.length >= 3 && f[0].equals("deb")) {
                out.add(new Source(f[1], f[2]));
            }
        }
        return out;
    }

    /** The URI of a source serving a suite with this suffix ({@code ""} for the release itself, {@code "-security"}). */
    static String uriFor(List<Source> sources, String suffix) {
        for (Source s : sources) {
            String suite = s.suite();
            boolean security = suite.endsWith("-security") || suite.endsWith("/updates");
            boolean updates = suite.endsWith("-updates") || suite.endsWith("-backports") || suite.endsWith("-proposed-updates");
            if (suffix.equals("-security") ? security : !security && !updates) {
                String u = s.uri();
                return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
            }
        }
        return "";
    }
}
