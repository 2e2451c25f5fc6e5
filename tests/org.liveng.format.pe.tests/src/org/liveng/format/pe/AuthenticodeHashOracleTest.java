package org.liveng.format.pe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.format.efivar.EfiGuid;
import org.liveng.format.efivar.EfiSignatureList;
import org.liveng.platform.exec.ExecResult;

/** The Authenticode image hash as osslsigncode and efitools' hash-to-efi-sig-list compute it. */
class AuthenticodeHashOracleTest {
    /** The owner GUID hash-to-efi-sig-list writes. */
    private static final EfiGuid HASH_TOOL_OWNER = EfiGuid.of("605dab50-e046-4300-abb6-3dd810dd8b23");
    private static final Pattern CALCULATED = Pattern.compile("Calculated message digest\\s*:\\s*([0-9A-Fa-f]+)");

    @TempDir
    Path tmp;

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** osslsigncode verify's "Calculated message digest" lines, one per signature. */
    static List<String> osslsigncodeDigests(Path signed) {
        ExecResult r = PeFixtures.any(PeFixtures.osslsigncode("verify", "-in", signed.toString()));
        Matcher m = CALCULATED.matcher(r.stdoutText() + r.stderr());
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1).toLowerCase());
        }
        assertFalse(out.isEmpty(), "osslsigncode printed no calculated digest:\n" + r.stdoutText() + r.stderr());
        return out;
    }

    @Test
    void singleSignatureDistroBinariesMatchOsslsigncode() throws Exception {
        // osslsigncode 2.9 refuses certificate tables with more than one entry (shim has two)
        for (Path p : List.of(PeFixtures.grubSigned(), PeFixtures.mmSigned())) {
            PeImage img = PeFixtures.read(p);
            String ours = hex(Authenticode.imageHash(img, "SHA-256"));
            assertEquals(osslsigncodeDigests(p), List.of(ours), p + ": osslsigncode's calculated digest");
            for (AuthenticodeSignature s : Authenticode.signatures(img)) {
                assertEquals(ours, hex(s.imageDigest()), p + ": digest signed in signature " + s.index());
            }
        }
    }

    @Test
    void signedShimHashesAsItsUnsignedBuildAndAsBothSignaturesSay() throws Exception {
        PeImage signed = PeFixtures.read(PeFixtures.shimSigned());
        String ours = hex(Authenticode.imageHash(signed, "SHA-256"));
        assertEquals(hashToEfiSigList(PeFixtures.shimUnsigned(), tmp.resolve("shim.esl")), ours,
                "hash-to-efi-sig-list of shim-unsigned's shimx64.efi (the same build, before Microsoft signed it)");
        List<AuthenticodeSignature> sigs = Authenticode.signatures(signed);
        assertEquals(2, sigs.size());
        for (AuthenticodeSignature s : sigs) {
            assertEquals(ours, hex(s.imageDigest()), "digest signed in signature " + s.index());
        }
    }

    static String hashToEfiSigList(Path p, Path esl) {
        ExecResult r = PeFixtures.ok(PeFixtures.efitools("hash-to-efi-sig-list", p.toString(), esl.toString()));
        Matcher m = Pattern.compile("HASH IS ([0-9a-f]{64})").matcher(r.stdoutText());
        assertTrue(m.find(), "hash-to-efi-sig-list output: " + r.stdoutText());
        return m.group(1);
    }

    @Test
    void unsignedImagesMatchHashToEfiSigList() throws Exception {
        for (Path p : List.of(PeFixtures.grubMkimage(tmp, "grub.efi"), PeFixtures.shimUnsigned())) {
            Path esl = tmp.resolve(p.getFileName() + ".esl");
            String theirHash = hashToEfiSigList(p, esl);
            PeImage img = PeFixtures.read(p);
            // efitools (like sbsign) hashes the image padded to 8 bytes, as it will be once signed
            byte[] ours = Authenticode.imageHashAsSigned(img, "SHA-256");
            assertEquals(theirHash, hex(ours), p.toString());
            if (img.size() % 8 == 0) {
                assertArrayEquals(ours, Authenticode.imageHash(img, "SHA-256"));
            } else {
                assertFalse(java.util.Arrays.equals(ours, Authenticode.imageHash(img, "SHA-256")), "unaligned: padding is hashed");
            }
            // and the EFI_CERT_SHA256 list it writes is the one we write
            byte[] theirs = Files.readAllBytes(esl);
            assertArrayEquals(theirs, EfiSignatureList.sha256(HASH_TOOL_OWNER, List.of(ours)).encode());
            List<EfiSignatureList> back = EfiSignatureList.parse(theirs, esl.toString());
            assertEquals(1, back.size());
            assertEquals(EfiGuid.CERT_SHA256, back.get(0).signatureType());
            assertArrayEquals(ours, back.get(0).signatures().get(0).data());
        }
    }

    @Test
    void hashIgnoresTheCertificateTable() throws Exception {
        PeImage signed = PeFixtures.read(PeFixtures.grubSigned());
        byte[] b = signed.bytes();
        int table = (int) signed.certificateTable().orElseThrow().virtualAddress();
        b[table + 100] ^= 0x55; // inside the PKCS #7
        b[(int) signed.optionalHeader().checkSumOffset()] ^= 1;
        assertArrayEquals(Authenticode.imageHash(signed, "SHA-256"), Authenticode.imageHash(PeImage.parse(b, "x"), "SHA-256"));
    }
}
