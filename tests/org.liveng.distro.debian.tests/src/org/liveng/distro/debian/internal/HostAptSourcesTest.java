package org.liveng.distro.debian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Mirrors read from apt's deb822 and one-line source formats (sources.list(5)). */
class HostAptSourcesTest {
    @Test
    void deb822StanzasGiveEveryUriSuitePairOfEnabledDebSources() {
        String text = """
                Types: deb deb-src
                URIs: http://mirror.invalid/debian
                Suites: bookworm bookworm-updates
                Components: main

                # security
                Types: deb
                URIs: http://security.invalid/debian-security
                Suites: bookworm-security
                Components: main

                Types: deb
                Enabled: no
                URIs: http://off.invalid/debian
                Suites: trixie
                """;
        List<HostAptSources.Source> s = HostAptSources.deb822(text);
        assertEquals(List.of(new HostAptSources.Source("http://mirror.invalid/debian", "bookworm"),
                new HostAptSources.Source("http://mirror.invalid/debian", "bookworm-updates"),
                new HostAptSources.Source("http://security.invalid/debian-security", "bookworm-security")), s);
        assertEquals("http://mirror.invalid/debian", HostAptSources.uriFor(s, ""));
        assertEquals("http://security.invalid/debian-security", HostAptSources.uriFor(s, "-security"));
    }

    @Test
    void oneLineEntriesWithOptionsAndComments() {
        List<HostAptSources.Source> s = HostAptSources.oneLine("""
                # deb http://commented.invalid/debian bookworm main
                deb-src http://src.invalid/debian bookworm main
                deb [arch=amd64 signed-by=/k.gpg] http://mirror.invalid/debian/ bookworm-updates main # updates
                deb http://mirror.invalid/debian/ bookworm main
                """);
        assertEquals(2, s.size());
        assertEquals("http://mirror.invalid/debian", HostAptSources.uriFor(s, ""), "updates suites are not the release's");
        assertEquals("", HostAptSources.uriFor(s, "-security"));
    }
}
