package org.liveng.format.pe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Reading the Microsoft and Debian signatures of distro binaries, compared with sbverify --list. */
class SignatureReadOracleTest {

    @Test
    void signersAndChainsMatchSbverifyList() throws Exception {
        for (Path p : List.of(PeFixtures.shimSigned(), PeFixtures.grubSigned(), PeFixtures.mmSigned())) {
            PeImage img = PeFixtures.read(p);
            List<String> ours = new ArrayList<>();
            for (AuthenticodeSignature s : Authenticode.signatures(img)) {
                assertEquals("SHA-256", s.digestAlgorithm(), p.toString());
                assertEquals(1, s.signers().size(), p.toString());
                Signer signer = s.signers().get(0);
                assertEquals("SHA-256", signer.digestAlgorithm());
                X509Certificate c = signer.certificate().orElseThrow();
                assertEquals(c.getSerialNumber(), signer.serial());
                assertEquals(c.getIssuerX500Principal().getName(), signer.issuer());
                for (X509Certificate cert : s.certificates()) {
                    ours.add(PeFixtures.cn(cert.getSubjectX500Principal().getName()));
                }
                // each distro signature is intact and chains to its own topmost certificate
                X509Certificate top = s.certificates().get(s.certificates().size() - 1);
                Verification v = Authenticode.verify(img, s, List.of(top));
                assertTrue(v.ok(), p + " signature " + s.index() + ": " + v.problems());
            }
            assertEquals(PeFixtures.sbverifySubjects(p), ours, p.toString());
        }
    }

    @Test
    void shimCarriesTheTwoMicrosoftSignatures() throws Exception {
        List<AuthenticodeSignature> sigs = Authenticode.signatures(PeFixtures.read(PeFixtures.shimSigned()));
        assertEquals(2, sigs.size());
        assertEquals("Microsoft Windows UEFI Driver Publisher", PeFixtures.cn(sigs.get(0).signers().get(0).subject()));
        assertEquals("Microsoft Corporation UEFI CA 2011", PeFixtures.cn(sigs.get(0).signers().get(0).issuer()));
        assertEquals("Microsoft UEFI CA 2023", PeFixtures.cn(sigs.get(1).signers().get(0).issuer()));
        List<WinCertificate> entries = Authenticode.certificates(PeFixtures.read(PeFixtures.shimSigned()));
        for (WinCertificate e : entries) {
            assertEquals(WinCertificate.REVISION_2_0, e.revision());
            assertEquals(WinCertificate.TYPE_PKCS_SIGNED_DATA, e.certificateType());
            assertEquals(0, e.offset() % 8);
        }
    }
}
