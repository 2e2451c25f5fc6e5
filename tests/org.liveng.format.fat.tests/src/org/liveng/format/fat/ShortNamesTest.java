package org.liveng.format.fat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ShortNamesTest {

    @Test
    void checksumIsTheRotateAddOfTheSpec() {
        byte[] n = "BOOTX64 EFI".getBytes(StandardCharsets.US_ASCII);
        int sum = 0;
        for (byte b : n) {
            sum = ((sum >>> 1) | (sum << 7)) & 0xFF;
            sum = (sum + (b & 0xFF)) & 0xFF;
        }
        assertEquals(sum, ShortNames.checksum(n));
    }

    @ParameterizedTest
    @CsvSource({
        "README.TXT, README.TXT, 0",
        "grub.cfg, GRUB.CFG, 24",
        "lower.TXT, LOWER.TXT, 8",
        "UPPER.txt, UPPER.TXT, 16",
        "EFI, EFI, 0",
        "debian, DEBIAN, 8",
        "a-b_c~1, A-B_C~1, 8",
    })
    void plainNamesUseCaseBits(String name, String shortName, int nt) {
        ShortNames.Plain p = ShortNames.plain(name);
        assertNotNull(p, name);
        assertEquals(shortName, ShortNames.key(p.name11()));
        assertEquals(nt, p.ntRes());
        assertEquals(name, ShortNames.display(p.name11(), p.ntRes()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Mixed.Txt", "toolongname.txt", "a.text", "two.dots.x", ".hidden", "with space", "a+b.c", "gr\u00fcn.txt"})
    void otherNamesNeedLongNames(String name) {
        assertNull(ShortNames.plain(name), name);
    }

    @Test
    void basisNamesGetTails() {
        Set<String> taken = new HashSet<>();
        assertEquals("MIXED.TXT", ShortNames.key(ShortNames.generate("Mixed.Txt", taken)));
        assertEquals("LONGFI~1.TXT", ShortNames.key(ShortNames.generate("longfilename1.txt", taken)));
        assertEquals("LONGFI~2.TXT", ShortNames.key(ShortNames.generate("longfilename2.txt", taken)));
        assertEquals("NAMEWI~1.CFG", ShortNames.key(ShortNames.generate("name.with.dots.cfg", taken)));
        assertEquals("ALONGF~1.TEX", ShortNames.key(ShortNames.generate("A long file name.text", taken)));
        assertEquals("BASHRC~1", ShortNames.key(ShortNames.generate(".bashrc", taken)));
        assertEquals("GR_NE~1.TXT", ShortNames.key(ShortNames.generate("Gr\u00fcne.txt", taken)));
        assertEquals("A_B~1.C", ShortNames.key(ShortNames.generate("a+b.c", taken)));
        for (int i = 3; i <= 12; i++) {
            ShortNames.generate("longfilename" + i + ".txt", taken);
        }
        assertEquals("LONGF~13.TXT", ShortNames.key(ShortNames.generate("longfilenameX.txt", taken)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a/b", "a:b", "trailing.", "trailing ", "tab\there", "q?"})
    void invalidLongNamesAreNamed(String name) {
        assertNotNull(ShortNames.invalidLongName(name), name);
    }

    @Test
    void longNameLimit() {
        assertNull(ShortNames.invalidLongName("x".repeat(255)));
        assertNotNull(ShortNames.invalidLongName("x".repeat(256)));
    }

    @Test
    void dosTimesClampAndRoundTrip() {
        DosDateTime t = DosDateTime.ofEpochSecond(1_700_000_001L);
        assertEquals(java.time.Instant.ofEpochSecond(1_700_000_001L), t.toInstant());
        assertEquals(java.time.Instant.parse("1980-01-01T00:00:00Z"), DosDateTime.ofEpochSecond(0).toInstant());
    }
}
