package org.liveng.format.pe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.liveng.api.FormatException;
import org.liveng.format.pe.internal.Le;

/** Hand-damaged copies of Debian's signed GRUB: each is refused with what and where. */
class CorruptPeTest {
    static byte[] good;
    static PeImage img;

    @BeforeAll
    static void load() throws Exception {
        img = PeFixtures.read(PeFixtures.grubSigned());
        good = img.bytes();
    }

    static FormatException refused(byte[] b, String messagePart, long offset) {
        FormatException e = assertThrows(FormatException.class, () -> Authenticode.signatures(PeImage.parse(b, "bad.efi")));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        if (offset >= 0) {
            assertEquals(offset, e.offset(), e.getMessage());
        }
        return e;
    }

    @Test
    void badDosMagicFails() {
        byte[] b = good.clone();
        b[0] = 'X';
        refused(b, "expected magic \"MZ\"", 0);
    }

    @Test
    void lfanewOutsideFileFails() {
        byte[] b = good.clone();
        Le.put32(b, 0x3C, 0x7FFFFFF0L);
        refused(b, "PE signature and COFF header", 0x7FFFFFF0L);
    }

    @Test
    void badPeSignatureFails() {
        byte[] b = good.clone();
        int pe = (int) Le.u32(b, 0x3C);
        b[pe + 1] = 'X';
        refused(b, "expected \"PE\\0\\0\"", pe);
    }

    @Test
    void tooManySectionsFails() {
        byte[] b = good.clone();
        int coff = (int) img.coffHeader().offset();
        Le.put16(b, coff + 2, 0xFFFF);
        refused(b, "more than the limit 96", coff + 2);
    }

    @Test
    void unknownOptionalHeaderMagicFails() {
        byte[] b = good.clone();
        Le.put16(b, (int) img.optionalHeader().offset(), 0x107);
        refused(b, "expected magic 0x10B (PE32) or 0x20B (PE32+)", img.optionalHeader().offset());
    }

    @Test
    void tooManyDataDirectoriesFails() {
        byte[] b = good.clone();
        Le.put32(b, (int) img.optionalHeader().offset() + 108, 1000);
        refused(b, "NumberOfRvaAndSizes 1000", img.optionalHeader().offset() + 108);
    }

    @Test
    void sectionDataBeyondEndFails() {
        byte[] b = good.clone();
        SectionHeader s = img.sections().get(0);
        Le.put32(b, (int) s.offset() + 16, 0xFFFFFF00L);
        refused(b, "raw data of section 0", s.pointerToRawData());
    }

    @Test
    void certificateTableBeyondEndFails() {
        byte[] b = good.clone();
        DataDirectory d = img.certificateTable().orElseThrow();
        Le.put32(b, (int) d.offset() + 4, d.size() + 8);
        refused(b, "certificate table", d.virtualAddress());
    }

    @Test
    void winCertificateLengthTooLargeFails() {
        byte[] b = good.clone();
        long at = img.certificateTable().orElseThrow().virtualAddress();
        Le.put32(b, (int) at, 0x10000);
        refused(b, "dwLength 65536 is outside", at);
    }

    @Test
    void winCertificateLengthTooSmallFails() {
        byte[] b = good.clone();
        long at = img.certificateTable().orElseThrow().virtualAddress();
        Le.put32(b, (int) at, 4);
        refused(b, "dwLength 4 is outside", at);
    }

    @Test
    void garbledPkcs7Fails() {
        byte[] b = good.clone();
        long at = img.certificateTable().orElseThrow().virtualAddress();
        b[(int) at + 8] = 0x04;
        refused(b, "does not start with a DER SEQUENCE", at + 8);
    }

    @Test
    void truncatedImageFails() {
        refused(Arrays.copyOf(good, 200), "lies outside", -1);
        refused(new byte[0], "MS-DOS header", 0);
    }

    @Test
    void dataAfterCertificateTableFailsForHashing() {
        byte[] b = Arrays.copyOf(good, good.length + 8);
        FormatException e = assertThrows(FormatException.class, () -> Authenticode.imageHash(PeImage.parse(b, "bad.efi"), "SHA-256"));
        assertTrue(e.getMessage().contains("does not end at the end of the file"), e.getMessage());
    }
}
