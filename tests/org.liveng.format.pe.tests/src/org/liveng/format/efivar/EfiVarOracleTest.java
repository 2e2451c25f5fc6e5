package org.liveng.format.efivar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.liveng.format.pe.PeFixtures;

/** EFI signature lists and .auth files byte for byte against efitools. */
class EfiVarOracleTest {
    static final EfiGuid OWNER = EfiGuid.of("11111111-2222-3333-4444-123456789abc");
    /** sign-efi-sig-list -t takes "YYYY-MM-DD HH:MM:SS". */
    static final String TIMESTAMP = "2024-01-02 03:04:05";
    static final EfiTime TIME = new EfiTime(2024, 1, 2, 3, 4, 5, 0, 0, 0);

    @TempDir
    static Path keys;
    @TempDir
    Path tmp;
    static PeFixtures.TestKey pk;
    static PeFixtures.TestKey kek;
    static PeFixtures.TestKey db;

    @BeforeAll
    static void keys() throws Exception {
        pk = PeFixtures.testKey(keys, "PK", "liveng test PK");
        kek = PeFixtures.testKey(keys, "KEK", "liveng test KEK");
        db = PeFixtures.testKey(keys, "db", "liveng test db");
    }

    private Path certToEsl(PeFixtures.TestKey k) {
        Path esl = tmp.resolve(k.certFile().getFileName() + ".esl");
        PeFixtures.ok(PeFixtures.efitools("cert-to-efi-sig-list", "-g", OWNER.toString(), k.certFile().toString(), esl.toString()));
        return esl;
    }

    @Test
    void x509ListEqualsCertToEfiSigListAndParsesBack() throws Exception {
        for (PeFixtures.TestKey k : List.of(pk, kek, db)) {
            byte[] theirs = Files.readAllBytes(certToEsl(k));
            assertArrayEquals(theirs, EfiSignatureList.x509(OWNER, k.cert()).encode(), k.certFile().toString());
            List<EfiSignatureList> lists = EfiSignatureList.parse(theirs, "esl");
            assertEquals(1, lists.size());
            EfiSignatureList l = lists.get(0);
            assertEquals(EfiGuid.CERT_X509, l.signatureType());
            assertEquals(OWNER, l.signatures().get(0).owner());
            X509Certificate back = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(l.signatures().get(0).data()));
            assertEquals(k.cert(), back);
        }
    }

    @Test
    void concatenatedListsParseBack() throws Exception {
        byte[] both = EfiSignatureList.concat(List.of(EfiSignatureList.x509(OWNER, db.cert()), EfiSignatureList.x509(OWNER, kek.cert()),
                EfiSignatureList.sha256(OWNER, List.of(new byte[32], new byte[32]))));
        List<EfiSignatureList> back = EfiSignatureList.parse(both, "concat");
        assertEquals(3, back.size());
        assertEquals(2, back.get(2).signatures().size());
        assertArrayEquals(both, EfiSignatureList.concat(back));
        byte[] theirs = new byte[0];
        for (PeFixtures.TestKey k : List.of(db, kek)) {
            byte[] e = Files.readAllBytes(certToEsl(k));
            byte[] n = java.util.Arrays.copyOf(theirs, theirs.length + e.length);
            System.arraycopy(e, 0, n, theirs.length, e.length);
            theirs = n;
        }
        assertEquals(2, EfiSignatureList.parse(theirs, "cat").size());
    }

    /** var, signing key, key whose list is signed, append. */
    @ParameterizedTest(name = "{0} signed by {1}, append={3}")
    @CsvSource({"PK, PK, PK, false", "KEK, PK, KEK, false", "db, KEK, db, false", "db, KEK, db, true", "dbx, KEK, db, false"})
    void authEqualsSignEfiSigList(String var, String signerName, String contentName, boolean append) throws Exception {
        PeFixtures.TestKey signer = key(signerName);
        Path esl = certToEsl(key(contentName));
        Path auth = tmp.resolve(var + ".auth");
        List<String> args = new ArrayList<>(List.of("-t", TIMESTAMP, "-g", OWNER.toString(), "-k", signer.keyFile().toString(),
                "-c", signer.certFile().toString()));
        if (append) {
            args.add(0, "-a");
        }
        args.addAll(List.of(var, esl.toString(), auth.toString()));
        PeFixtures.ok(PeFixtures.efitools("sign-efi-sig-list", args.toArray(String[]::new)));
        byte[] theirs = Files.readAllBytes(auth);
        SecureBootVariable v = switch (var) {
            case "PK" -> SecureBootVariable.PK;
            case "KEK" -> SecureBootVariable.KEK;
            case "db" -> SecureBootVariable.DB;
            default -> SecureBootVariable.DBX;
        };
        byte[] ours = AuthenticatedVariable.sign(v, append, TIME, Files.readAllBytes(esl), signer.key(), signer.cert());
        assertArrayEquals(theirs, ours, var + ".auth differs from sign-efi-sig-list's");

        AuthenticatedVariable.Update u = AuthenticatedVariable.parse(theirs, auth.toString());
        assertEquals(TIME, u.timeStamp());
        assertArrayEquals(Files.readAllBytes(esl), u.data());
        assertTrue(AuthenticatedVariable.verify(u, v.variableName(), v.vendorGuid(), v.attributes(append), signer.cert()));
        assertFalse(AuthenticatedVariable.verify(u, v.variableName(), v.vendorGuid(), v.attributes(!append), signer.cert()),
                "the attributes are signed");
        PeFixtures.TestKey stranger = signer == pk ? kek : pk;
        assertFalse(AuthenticatedVariable.verify(u, v.variableName(), v.vendorGuid(), v.attributes(append), stranger.cert()));
    }

    private static PeFixtures.TestKey key(String name) {
        return switch (name) {
            case "PK" -> pk;
            case "KEK" -> kek;
            default -> db;
        };
    }

    @Test
    void guidByteOrder() {
        assertArrayEquals(java.util.HexFormat.of().parseHex("11111111222233334444123456789abc"), OWNER.toBytes());
        assertArrayEquals(java.util.HexFormat.of().parseHex("61dfe48bca93d211aa0d00e098032b8c"), EfiGuid.GLOBAL_VARIABLE.toBytes());
    }
}
