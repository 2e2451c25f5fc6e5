package org.liveng.format.pe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.platform.exec.ExecResult;

/** Our Authenticode signatures judged by sbverify and osslsigncode, and compared with sbsign's. */
class SignOracleTest {
    @TempDir
    static Path keys;
    @TempDir
    Path tmp;
    static PeFixtures.TestKey db;
    static PeFixtures.TestKey other;

    @BeforeAll
    static void keys() throws Exception {
        db = PeFixtures.testKey(keys, "db", "liveng test db");
        other = PeFixtures.testKey(keys, "other", "liveng other key");
    }

    private Path write(String name, PeImage img) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, img.bytes());
        return p;
    }

    static void assertSbverifyAccepts(Path signed, PeFixtures.TestKey key) {
        PeFixtures.ok(PeFixtures.sbsigntool("sbverify", "--cert", key.certFile().toString(), signed.toString()));
    }

    static void assertOsslsigncodeAccepts(Path signed, PeFixtures.TestKey key) {
        // -CAfile makes it build and check the chain to our self-signed certificate; there is no timestamp to check
        ExecResult r = PeFixtures.any(PeFixtures.osslsigncode("verify", "-CAfile", key.certFile().toString(), "-in", signed.toString()));
        String out = r.stdoutText() + r.stderr();
        assertEquals(0, r.exitCode(), out);
        assertTrue(out.contains("Signature verification: ok"), out);
        assertTrue(out.contains("Number of verified signatures: 1"), out);
        assertFalse(out.contains("MISMATCH"), out);
    }

    @Test
    void signedUnsignedImagesPassSbverifyOsslsigncodeAndOurVerify() throws Exception {
        for (Path in : List.of(PeFixtures.grubMkimage(tmp, "grub.efi"), PeFixtures.shimUnsigned())) {
            PeImage signed = AuthenticodeSigner.sign(PeFixtures.read(in), db.key(), List.of(db.cert()), SignOptions.defaults());
            Path out = write(in.getFileName() + ".signed", signed);
            assertSbverifyAccepts(out, db);
            assertOsslsigncodeAccepts(out, db);
            assertEquals(List.of("liveng test db"), PeFixtures.sbverifySubjects(out));
            AuthenticodeSignature s = Authenticode.signatures(signed).get(0);
            assertTrue(Authenticode.verify(signed, s, List.of(db.cert())).ok(), in.toString());
            Verification wrongAnchor = Authenticode.verify(signed, s, List.of(other.cert()));
            assertTrue(wrongAnchor.imageDigestMatches() && wrongAnchor.signatureValid());
            assertFalse(wrongAnchor.ok(), "an unrelated db certificate must not be trusted");
            assertNotEquals(0, PeFixtures.any(PeFixtures.sbsigntool("sbverify", "--cert", other.certFile().toString(),
                    out.toString())).exitCode(), "sbverify must refuse an unrelated certificate too");
            assertEquals(signed.computeCheckSum(), signed.checkSum());
            assertEquals(0, signed.certificateTable().orElseThrow().virtualAddress() % 8);
            assertEquals(0, signed.size() % 8);
        }
    }

    @Test
    void sameBytesAsSbsignForTheSameSigningTime() throws Exception {
        for (Path in : List.of(PeFixtures.grubMkimage(tmp, "grub.efi"), PeFixtures.shimUnsigned())) {
            Path theirs = tmp.resolve(in.getFileName() + ".sbsign");
            PeFixtures.ok(PeFixtures.sbsigntool("sbsign", "--key", db.keyFile().toString(), "--cert", db.certFile().toString(),
                    "--output", theirs.toString(), in.toString()));
            PeImage sbsigned = PeFixtures.read(theirs);
            Instant time = Authenticode.signatures(sbsigned).get(0).signers().get(0).signingTime().orElseThrow();
            PeImage ours = AuthenticodeSigner.sign(PeFixtures.read(in), db.key(), List.of(db.cert()), SignOptions.sbsignCompatible(time));
            assertArrayEquals(sbsigned.bytes(), ours.bytes(), in + ": our signed image differs from sbsign's");
        }
    }

    @Test
    void replaceDropsTheDebianSignature() throws Exception {
        PeImage signed = AuthenticodeSigner.sign(PeFixtures.read(PeFixtures.grubSigned()), db.key(), List.of(db.cert()),
                SignOptions.defaults());
        Path out = write("grub-replaced.efi", signed);
        assertEquals(List.of("liveng test db"), PeFixtures.sbverifySubjects(out));
        assertSbverifyAccepts(out, db);
        assertOsslsigncodeAccepts(out, db);
        assertEquals(1, Authenticode.signatures(signed).size());
    }

    @Test
    void appendKeepsTheDebianSignature() throws Exception {
        PeImage debian = PeFixtures.read(PeFixtures.grubSigned());
        PeImage both = AuthenticodeSigner.sign(debian, db.key(), List.of(db.cert()),
                SignOptions.defaults().withMode(SignOptions.Mode.APPEND));
        Path out = write("grub-appended.efi", both);
        List<String> theirs = PeFixtures.sbverifySubjects(out);
        assertEquals(List.of("Debian Secure Boot Signer 2022 - grub2", "liveng test db"), theirs);
        assertSbverifyAccepts(out, db);
        List<AuthenticodeSignature> sigs = Authenticode.signatures(both);
        assertEquals(2, sigs.size());
        // the old PKCS #7 is kept byte for byte, and both signatures vouch for the same image hash
        assertArrayEquals(Authenticode.signatures(debian).get(0).entry().certificate(), sigs.get(0).entry().certificate());
        assertArrayEquals(Authenticode.imageHash(debian, "SHA-256"), Authenticode.imageHash(both, "SHA-256"));
        // Debian's CA is the topmost certificate its PKCS #7 carries
        java.security.cert.X509Certificate debianCa = sigs.get(0).certificates().get(sigs.get(0).certificates().size() - 1);
        assertTrue(Authenticode.verify(both, sigs.get(0), List.of(debianCa)).ok());
        assertTrue(Authenticode.verify(both, sigs.get(1), List.of(db.cert())).ok());
        assertFalse(Authenticode.verify(both, sigs.get(1), List.of(debianCa)).ok());
        assertEquals(both.computeCheckSum(), both.checkSum());
    }

    @Test
    void tamperedTextFailsOurVerifyAndSbverify() throws Exception {
        PeImage signed = AuthenticodeSigner.sign(PeFixtures.read(PeFixtures.grubMkimage(tmp, "grub.efi")), db.key(),
                List.of(db.cert()), SignOptions.defaults());
        byte[] b = signed.bytes();
        SectionHeader text = signed.section(".text").orElseThrow();
        b[(int) (text.pointerToRawData() + text.sizeOfRawData() / 2)] ^= 0x01;
        PeImage tampered = PeImage.parse(b, "tampered");
        Path out = write("tampered.efi", tampered);
        Verification v = Authenticode.verify(tampered, Authenticode.signatures(tampered).get(0), List.of(db.cert()));
        assertFalse(v.imageDigestMatches());
        assertTrue(v.signatureValid(), "the PKCS #7 itself is intact");
        assertFalse(v.ok());
        ExecResult r = PeFixtures.any(PeFixtures.sbsigntool("sbverify", "--cert", db.certFile().toString(), out.toString()));
        assertNotEquals(0, r.exitCode(), "sbverify accepted a tampered image:\n" + r.stdoutText() + r.stderr());
        ExecResult o = PeFixtures.any(PeFixtures.osslsigncode("verify", "-CAfile", db.certFile().toString(), "-in", out.toString()));
        assertNotEquals(0, o.exitCode(), "osslsigncode accepted a tampered image:\n" + o.stdoutText());
    }

    @Test
    void keyThatDoesNotMatchTheCertificateIsRefused() throws Exception {
        PeImage img = PeFixtures.read(PeFixtures.grubMkimage(tmp, "grub.efi"));
        LivengException e = assertThrows(LivengException.class,
                () -> AuthenticodeSigner.sign(img, other.key(), List.of(db.cert()), SignOptions.defaults()));
        assertEquals(ErrorCodes.USAGE, e.code());
        assertFalse(e.getMessage().contains("PRIVATE"), e.getMessage());
    }

    @Test
    void signingIsReproducibleWithoutSigningTime() throws Exception {
        PeImage img = PeFixtures.read(PeFixtures.grubMkimage(tmp, "grub.efi"));
        assertArrayEquals(AuthenticodeSigner.sign(img, db.key(), List.of(db.cert()), SignOptions.defaults()).bytes(),
                AuthenticodeSigner.sign(img, db.key(), List.of(db.cert()), SignOptions.defaults()).bytes());
    }
}
