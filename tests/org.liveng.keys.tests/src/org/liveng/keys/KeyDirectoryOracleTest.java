package org.liveng.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.LivengException;
import org.liveng.api.Secret;
import org.liveng.api.keys.KeyRole;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ExecResult;
import org.liveng.testing.Oracles;

/** Keys and certificates made by {@link KeyDirectory}, judged by openssl and efitools. */
class KeyDirectoryOracleTest {
    @TempDir
    Path tmp;

    static String x509Text(Path crt) {
        return Oracles.run(Command.of("openssl", "x509", "-in", crt.toString(), "-noout", "-text").fromPackage("openssl")).stdoutText();
    }

    @Test
    void everyRoleGetsAnRsa2048KeyWrittenPrivateAndACertificateWithTheRightExtensions() throws Exception {
        KeyDirectory keys = new KeyDirectory(tmp.resolve("keys"));
        for (KeyRole r : KeyRole.values()) {
            keys.create(r, r.defaultName(), KeyDirectory.DEFAULT_BITS, null, 3650, null);
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.path())));
        assertEquals(List.of("db", "kek", "mok", "pk"), keys.list().stream().map(KeyInfo::name).toList());
        for (KeyRole r : KeyRole.values()) {
            Path key = keys.keyFile(r.defaultName());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)), key.toString());
            // openssl reads the key and it matches the certificate's public key
            String keyPub = Oracles.run(Command.of("openssl", "pkey", "-in", key.toString(), "-pubout").fromPackage("openssl")).stdoutText();
            String crtPub = Oracles.run(Command.of("openssl", "x509", "-in", keys.certificateFile(r.defaultName()).toString(), "-noout", "-pubkey")
                    .fromPackage("openssl")).stdoutText();
            assertEquals(crtPub, keyPub, "key and certificate of " + r);
            String text = x509Text(keys.certificateFile(r.defaultName()));
            assertTrue(text.contains("Public-Key: (2048 bit)"), text);
            assertTrue(text.contains("Signature Algorithm: sha256WithRSAEncryption"), text);
            assertTrue(text.contains("X509v3 Basic Constraints: critical") && text.contains("CA:FALSE"), text);
            assertTrue(text.contains("X509v3 Key Usage: critical") && text.contains("Digital Signature"), text);
            assertTrue(text.contains("OU = " + r.name()) && text.contains("O = liveng"), text);
            assertTrue(text.contains("X509v3 Subject Key Identifier"), text);
            assertEquals(r.signsCode(), text.contains("Code Signing"), r + ": codeSigning only for db and MOK:\n" + text);
            // self-signed and valid
            Oracles.run(Command.of("openssl", "verify", "-CAfile", keys.certificateFile(r.defaultName()).toString(),
                    keys.certificateFile(r.defaultName()).toString()).fromPackage("openssl"));
        }
    }

    @Test
    void rsa4096IsAnOption() throws Exception {
        KeyDirectory keys = new KeyDirectory(tmp.resolve("k"));
        KeyInfo info = keys.create(KeyRole.DB, "db4096", 4096, "my db 4096", 365, null);
        assertEquals(4096, info.keyBits());
        String text = x509Text(keys.certificateFile("db4096"));
        assertTrue(text.contains("Public-Key: (4096 bit)"), text);
        assertTrue(text.contains("CN = my db 4096"), text);
        LivengException e = assertThrows(LivengException.class, () -> keys.create(KeyRole.DB, "x", 1024, null, 365, null));
        assertTrue(e.getMessage().contains("RSA 1024 is not offered"), e.getMessage());
    }

    @Test
    void anEncryptedKeyIsPkcs8WithPbes2AndOpensslNeedsThePassphrase() throws Exception {
        KeyDirectory keys = new KeyDirectory(tmp.resolve("enc"));
        Path pass = tmp.resolve("pass");
        KeyFiles.writeNew(pass, "correct horse battery staple\n".getBytes(StandardCharsets.UTF_8), true);
        try (Secret s = SecretReferences.resolve("file:" + pass, "passphrase")) {
            keys.create(KeyRole.MOK, "mok", 2048, null, 3650, s);
        }
        Path key = keys.keyFile("mok");
        byte[] pem = Files.readAllBytes(key);
        assertTrue(new String(pem, StandardCharsets.US_ASCII).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        assertTrue(keys.info("mok").encrypted());
        ExecResult asn = Oracles.run(Command.of("openssl", "asn1parse", "-in", key.toString()).fromPackage("openssl"));
        assertTrue(asn.stdoutText().contains("PBES2") && asn.stdoutText().contains("aes-256-cbc") && asn.stdoutText().contains("hmacWithSHA256"),
                asn.stdoutText());
        // openssl decrypts it with the passphrase (from a file: never argv) ...
        Oracles.run(Command.of("openssl", "pkey", "-in", key.toString(), "-passin", "file:" + pass, "-noout").fromPackage("openssl"));
        // ... and not without it
        Path wrong = tmp.resolve("wrong");
        KeyFiles.writeNew(wrong, "wrong\n".getBytes(StandardCharsets.UTF_8), true);
        assertNotEquals(0, Oracles.runAllowingFailure(Command.of("openssl", "pkey", "-in", key.toString(), "-passin", "file:" + wrong, "-noout")
                .fromPackage("openssl")).exitCode());
        // liveng reads it back with the passphrase, refuses a wrong one and asks for a missing one
        try (Secret s = SecretReferences.resolve("file:" + pass, "passphrase")) {
            assertEquals("RSA", KeyFiles.readPrivateKey(key, s).getAlgorithm());
        }
        try (Secret s = SecretReferences.resolve("file:" + wrong, "passphrase")) {
            LivengException e = assertThrows(LivengException.class, () -> KeyFiles.readPrivateKey(key, s));
            assertTrue(e.getMessage().contains("wrong passphrase"), e.getMessage());
        }
        LivengException e = assertThrows(LivengException.class, () -> KeyFiles.readPrivateKey(key, null));
        assertTrue(e.getMessage().contains("is encrypted and no passphrase was given"), e.getMessage());
    }

    @Test
    void exportsMatchOpensslAndEfitools() throws Exception {
        KeyDirectory keys = new KeyDirectory(tmp.resolve("x"));
        keys.create(KeyRole.DB, "db", 2048, null, 3650, null);
        Path der = tmp.resolve("db.der");
        Oracles.run(Command.of("openssl", "x509", "-in", keys.certificateFile("db").toString(), "-outform", "DER", "-out", der.toString())
                .fromPackage("openssl"));
        assertArrayEquals(Files.readAllBytes(der), keys.export("db", "der"));
        assertArrayEquals(Files.readAllBytes(keys.certificateFile("db")), keys.export("db", "pem"));
        Path esl = tmp.resolve("db.esl");
        Oracles.run(Command.of("cert-to-efi-sig-list", "-g", keys.owner().toString(), keys.certificateFile("db").toString(), esl.toString())
                .fromPackage("efitools"));
        assertArrayEquals(Files.readAllBytes(esl), keys.export("db", "esl"));
    }

    @Test
    void rotateRetiresTheOldKeyAndKeepsRoleAndSize() throws Exception {
        KeyDirectory keys = new KeyDirectory(tmp.resolve("r"));
        KeyInfo old = keys.create(KeyRole.KEK, "kek", 3072, "owner KEK", 3650, null);
        KeyInfo fresh = keys.rotate("kek", null, 3650);
        assertNotEquals(old.sha256(), fresh.sha256());
        assertEquals("KEK", fresh.role());
        assertEquals(3072, fresh.keyBits());
        assertEquals(old.subject(), fresh.subject());
        try (var s = Files.list(keys.path().resolve("retired"))) {
            List<Path> retired = s.sorted().toList();
            assertEquals(2, retired.size(), retired.toString());
            for (Path p : retired) {
                if (p.toString().endsWith(".key")) {
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
                }
            }
        }
        LivengException e = assertThrows(LivengException.class, () -> keys.create(KeyRole.KEK, "kek", 2048, null, 1, null));
        assertTrue(e.getMessage().contains("exists already"), e.getMessage());
    }

    @Test
    void badInputIsNamed() throws Exception {
        KeyDirectory keys = new KeyDirectory(tmp.resolve("b"));
        assertTrue(assertThrows(LivengException.class, () -> keys.info("nope")).getMessage().contains("no key 'nope'"));
        assertTrue(assertThrows(LivengException.class, () -> keys.create(KeyRole.DB, "../evil", 2048, null, 1, null)).getMessage()
                .contains("is not a key name"));
        Path junk = tmp.resolve("junk.key");
        Files.writeString(junk, "not a key");
        assertTrue(assertThrows(LivengException.class, () -> KeyFiles.readPrivateKey(junk, null)).getMessage().contains("is not PEM"));
        assertTrue(assertThrows(LivengException.class, () -> SecretReferences.resolve("hunter2", "passphrase")).getMessage()
                .contains("is not a secret reference"));
        assertFalse(assertThrows(LivengException.class, () -> SecretReferences.resolve("hunter2", "passphrase")).getMessage()
                .contains("hunter2"), "the message must not echo what might be a secret");
    }
}
