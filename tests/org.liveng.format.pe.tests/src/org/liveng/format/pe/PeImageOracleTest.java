package org.liveng.format.pe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ExecResult;

/** Headers, sections, .sbat and the checksum of real EFI binaries, judged by binutils and osslsigncode. */
class PeImageOracleTest {
    @TempDir
    Path tmp;

    @Test
    void readsDistroBinaries() throws Exception {
        for (Path p : List.of(PeFixtures.shimSigned(), PeFixtures.grubSigned(), PeFixtures.mmSigned())) {
            PeImage img = PeFixtures.read(p);
            assertEquals(CoffHeader.MACHINE_AMD64, img.coffHeader().machine(), p.toString());
            assertTrue(img.optionalHeader().isPe32Plus(), p.toString());
            assertEquals(OptionalHeader.SUBSYSTEM_EFI_APPLICATION, img.optionalHeader().subsystem(), p.toString());
            assertEquals(objdumpSections(p), img.sections().stream().map(SectionHeader::name).toList(), p.toString());
            assertEquals(img.checkSum(), img.computeCheckSum(), p + ": the signer set the CheckSum");
        }
    }

    /** Section names in order, from {@code objdump -h}. */
    static List<String> objdumpSections(Path p) {
        String out = PeFixtures.ok(Command.of("objdump", "-h", p.toString()).fromPackage("binutils")).stdoutText();
        Matcher m = Pattern.compile("(?m)^\\s+\\d+\\s+(\\S+)\\s+[0-9a-f]{8}").matcher(out);
        List<String> names = new java.util.ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void sbatMatchesObjcopyAndNamesTheComponents() throws Exception {
        for (Path p : List.of(PeFixtures.shimSigned(), PeFixtures.grubSigned())) {
            Path raw = tmp.resolve(p.getFileName() + ".sbat");
            PeFixtures.ok(Command.of("objcopy", "-O", "binary", "--only-section=.sbat", p.toString(), raw.toString()).fromPackage("binutils"));
            String text = new String(Files.readAllBytes(raw), StandardCharsets.UTF_8);
            text = text.indexOf('\0') >= 0 ? text.substring(0, text.indexOf('\0')) : text;
            List<SbatEntry> sbat = PeFixtures.read(p).sbat();
            List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
            assertEquals(lines.size(), sbat.size(), p + ": " + text);
            for (int i = 0; i < lines.size(); i++) {
                String[] f = lines.get(i).split(",", -1);
                assertEquals(f[0], sbat.get(i).component());
                assertEquals(Integer.parseInt(f[1]), sbat.get(i).generation());
            }
            assertEquals("sbat", sbat.get(0).component());
            String component = p.getFileName().toString().startsWith("shim") ? "shim" : "grub";
            assertTrue(sbat.stream().anyMatch(e -> e.component().equals(component) && e.generation() >= 1), p + ": " + sbat);
        }
    }

    @Test
    void checkSumOfUnsignedImageMatchesOsslsigncode() throws Exception {
        Path grub = PeFixtures.grubMkimage(tmp, "grub.efi");
        ExecResult r = PeFixtures.any(PeFixtures.osslsigncode("verify", "-in", grub.toString()));
        Matcher m = Pattern.compile("Calculated PE checksum\\s*:\\s*([0-9A-Fa-f]{8})").matcher(r.stdoutText() + r.stderr());
        assertTrue(m.find(), r.stdoutText() + r.stderr());
        assertEquals(Long.parseLong(m.group(1), 16), PeFixtures.read(grub).computeCheckSum());
    }

    @Test
    void sectionDataIsTheRawBytes() throws Exception {
        Path p = PeFixtures.grubSigned();
        PeImage img = PeFixtures.read(p);
        SectionHeader text = img.section(".text").orElseThrow();
        byte[] all = Files.readAllBytes(p);
        assertArrayEquals(java.util.Arrays.copyOfRange(all, (int) text.pointerToRawData(),
                (int) (text.pointerToRawData() + text.sizeOfRawData())), img.sectionData(".text").orElseThrow());
        assertTrue(img.sectionData(".nope").isEmpty());
    }
}
