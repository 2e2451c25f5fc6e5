package org.liveng.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.LivengException;
import org.liveng.api.Secret;
import org.liveng.api.keys.KeyRole;
import org.liveng.api.keys.SigningKey;
import org.liveng.format.pe.AuthenticodeSigner;
import org.liveng.format.pe.PeImage;
import org.liveng.format.pe.SignOptions;
import org.liveng.keys.internal.Pkcs11KeySource;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ExecResult;
import org.liveng.testing.Oracles;

/**
 * The PKCS #11 key source on a SoftHSM2 token (Debian's softhsm2; OpenSC's pkcs11-tool as judge):
 * a key generated on the token is a sensitive, never-extractable token object; liveng signs an EFI
 * binary with it through SunPKCS11 and sbverify accepts the signature with the certificate.
 *
 * <p>The token is a throwaway in this build's target folder (SOFTHSM2_CONF is set by the pom); its
 * PINs are fixture values handed to softhsm2-util, which only reads PINs from a terminal or argv.
 */
class Pkcs11TokenOracleTest {
    static final String MODULE = "/usr/lib/softhsm/libsofthsm2.so";
    static final String LABEL = "liveng-test";
    static final String USER_PIN = "246810";
    static final String SO_PIN = "13579111";

    @TempDir
    static Path tmp;
    static Path pinFile;

    @BeforeAll
    static void token() throws Exception {
        String conf = System.getenv("SOFTHSM2_CONF");
        if (conf == null) {
            fail("SOFTHSM2_CONF is not set: run this test through its pom");
        }
        if (!Files.isRegularFile(Path.of(MODULE))) {
            fail(MODULE + " is missing: install the Debian package softhsm2");
        }
        Path tokens = Path.of(conf).resolveSibling("tokens");
        Files.createDirectories(tokens);
        try (var s = Files.list(tokens)) {
            for (Path p : s.toList()) {
                Oracles.run(Command.of("rm", "-rf", p.toString()));
            }
        }
        Files.writeString(Path.of(conf), "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        Oracles.run(Command.of("softhsm2-util", "--init-token", "--free", "--label", LABEL, "--pin", USER_PIN, "--so-pin", SO_PIN)
                .fromPackage("softhsm2"));
        pinFile = tmp.resolve("pin");
        KeyFiles.writeNew(pinFile, (USER_PIN + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII), true);
    }

    static Secret pin() throws LivengException {
        return SecretReferences.resolve("file:" + pinFile, "PIN");
    }

    @Test
    void aTokenKeySignsAnEfiBinaryThatSbverifyAcceptsAndNeverLeavesTheToken() throws Exception {
        Pkcs11Uri uri = Pkcs11Uri.parse("pkcs11:token=" + LABEL + ";object=db?module-path=" + MODULE);
        KeyDirectory keys = new KeyDirectory(tmp.resolve("keys"));
        try (Secret pin = pin()) {
            Pkcs11Token token = Pkcs11Token.login(uri, pin, Oracles.RUNNER);
            keys.recordTokenKey("db", uri.toString(), token.generate(KeyRole.DB, 2048, "liveng token db", 3650));
        }
        KeyInfo info = keys.info("db");
        assertEquals("pkcs11", info.source());
        assertEquals(uri.toString(), keys.keyReference("db"));
        assertTrue(!Files.exists(keys.keyFile("db")), "no key file for a token key");
        String text = KeyDirectoryOracleTest.x509Text(keys.certificateFile("db"));
        assertTrue(text.contains("Code Signing") && text.contains("CN = liveng token db"), text);

        // the token holds a private key object that is sensitive and was never extractable (OpenSC's view)
        ExecResult objects = Oracles.run(Command.of("pkcs11-tool", "--module", MODULE, "--token-label", LABEL, "--login", "--pin", USER_PIN,
                "--list-objects").fromPackage("opensc"));
        String out = objects.stdoutText();
        int priv = out.indexOf("Private Key Object");
        assertTrue(priv >= 0, out);
        String privBlock = out.substring(priv, Math.min(out.length(), priv + 600));
        // SunPKCS11 files the key under CKA_ID = its alias ("db" = 0x6462)
        assertTrue(privBlock.contains("ID:         6462"), privBlock);
        assertTrue(privBlock.contains("Access:") && privBlock.contains("sensitive") && privBlock.contains("never extractable"), privBlock);
        assertTrue(out.contains("Certificate Object") , out);

        // sign an EFI binary through the key source service: the key is a token handle
        SigningKey key;
        try (Secret pin = pin()) {
            key = new Pkcs11KeySource(Oracles.RUNNER).open(keys.keyReference("db"), keys.certificateFile("db").toString(), pin);
        }
        assertNull(key.privateKey().getEncoded(), "a token key has no encoding liveng could read");
        Path grub = tmp.resolve("grub.efi");
        Oracles.run(Command.of("grub-mkimage", "-O", "x86_64-efi", "-p", "/EFI/test", "-o", grub.toString(), "normal", "fat")
                .fromPackage("grub-efi-amd64-bin"));
        PeImage signed = AuthenticodeSigner.sign(PeImage.parse(Files.readAllBytes(grub), "grub.efi"), key.privateKey(),
                List.of(key.certificate()), SignOptions.defaults());
        Path out2 = tmp.resolve("grub.signed.efi");
        Files.write(out2, signed.bytes());
        ExecResult v = Oracles.run(Command.of("sbverify", "--cert", keys.certificateFile("db").toString(), out2.toString())
                .fromPackage("sbsigntool"));
        assertTrue(v.stdoutText().contains("Signature verification OK"), v.stdoutText() + v.stderr());
    }

    @Test
    void aWrongPinOrAMissingTokenIsNamed() throws Exception {
        Path wrong = tmp.resolve("wrong-pin");
        KeyFiles.writeNew(wrong, "000000\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), true);
        try (Secret s = SecretReferences.resolve("file:" + wrong, "PIN")) {
            LivengException e = assertThrows(LivengException.class,
                    () -> Pkcs11Token.login(Pkcs11Uri.parse("pkcs11:token=" + LABEL + ";object=db?module-path=" + MODULE), s, Oracles.RUNNER));
            assertTrue(e.getMessage().contains("wrong PIN"), e.getMessage());
        }
        try (Secret s = pin()) {
            LivengException e = assertThrows(LivengException.class,
                    () -> Pkcs11Token.login(Pkcs11Uri.parse("pkcs11:token=nosuch;object=db?module-path=" + MODULE), s, Oracles.RUNNER));
            assertTrue(e.getMessage().contains("no token labelled 'nosuch'"), e.getMessage());
        }
        LivengException e = assertThrows(LivengException.class,
                () -> Pkcs11Uri.parse("pkcs11:token=t;object=db;pin-value=1234?module-path=" + MODULE));
        assertTrue(e.getMessage().contains("must not carry the PIN"), e.getMessage());
    }
}
