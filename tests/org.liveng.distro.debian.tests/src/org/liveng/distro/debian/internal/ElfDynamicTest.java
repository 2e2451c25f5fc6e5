package org.liveng.distro.debian.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.liveng.platform.exec.Command;
import org.liveng.testing.Oracles;

/** DT_NEEDED and PT_INTERP of real Debian binaries and libraries, judged by binutils' readelf. */
class ElfDynamicTest {
    private static final Pattern NEEDED = Pattern.compile("\\(NEEDED\\)\\s+Shared library: \\[([^]]+)\\]");
    private static final Pattern INTERP = Pattern.compile("\\[Requesting program interpreter: ([^]]+)\\]");

    @ParameterizedTest
    @ValueSource(strings = { "/usr/sbin/cryptsetup", "/usr/bin/kmod", "/usr/lib/x86_64-linux-gnu/libcryptsetup.so.12", "/usr/bin/bash" })
    void readelfAgrees(String file) throws Exception {
        Path p = Path.of(file).toRealPath();
        ElfDynamic d = ElfDynamic.parse(Files.readAllBytes(p), file);
        List<String> expected = new ArrayList<>();
        Matcher m = NEEDED.matcher(Oracles.run(Command.of("readelf", "-d", p.toString()).fromPackage("binutils")).stdoutText());
        while (m.find()) {
            expected.add(m.group(1));
        }
        assertFalse(expected.isEmpty(), file + " needs libraries");
        assertEquals(expected, d.needed(), file);
        Matcher i = INTERP.matcher(Oracles.run(Command.of("readelf", "-l", p.toString()).fromPackage("binutils")).stdoutText());
        assertEquals(i.find() ? i.group(1) : null, d.interpreter().orElse(null), file);
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, 4, 60, 200 })
    void truncatedFilesAreRefusedWithTheirName(int keep) throws Exception {
        byte[] all = Files.readAllBytes(Path.of("/usr/sbin/cryptsetup").toRealPath());
        byte[] head = java.util.Arrays.copyOf(all, keep);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ElfDynamic.parse(head, "cut-" + keep));
        assertTrue(e.getMessage().contains("cut-" + keep), e.getMessage());
    }
}
