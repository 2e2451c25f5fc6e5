package org.liveng.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code keys} and {@code verify} commands through bin/liveng: keys made in a folder (an
 * encrypted one with the passphrase on stdin), listed, shown and exported; a stick forged with
 * {@code signing=mok} from them; verify fails naming GRUB while the MOK is not trusted (exit 1) and
 * passes with it (exit 0).
 */
class SecureBootCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void keysThenForgeWithMokThenVerify() throws Exception {
        Path keys = tmp.resolve("keys");
        Cli.Result c = Cli.run("keys", "create", "--dir", keys.toString(), "all");
        assertEquals(0, c.status(), c.all());
        assertTrue(c.out().contains("mok ") && c.out().contains("MOK"), c.out());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("db.key"))));

        Cli.Result e = Cli.runWithInput("s3cret passphrase\n", "keys", "create", "--dir", keys.toString(), "--bits", "4096",
                "--name", "db2", "--passphrase-from", "stdin", "db");
        assertEquals(0, e.status(), e.all());
        assertFalse(e.all().contains("s3cret"), e.all());
        assertTrue(Files.readString(keys.resolve("db2.key")).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));

        Cli.Result list = Cli.run("keys", "list", "--dir", keys.toString(), "--json");
        assertEquals(0, list.status(), list.all());
        assertTrue(list.out().contains("\"name\": \"db2\"") && list.out().contains("\"keyBits\": 4096") && list.out().contains("\"encrypted\": true"),
                list.out());
        Cli.Result show = Cli.run("keys", "show", "--dir", keys.toString(), "mok");
        assertTrue(show.out().contains("extendedKeyUsage: codeSigning"), show.out());
        Path der = tmp.resolve("MOK.der");
        assertEquals(0, Cli.run("keys", "export", "--dir", keys.toString(), "--format", "der", "mok", der.toString()).status());
        assertTrue(Files.size(der) > 500);

        // enrolment files: efitools signs the same db update from the same inputs and time
        Path enrol = tmp.resolve("enrol");
        Cli.Result a = Cli.run("keys", "auth", "--dir", keys.toString(), "--time", "1704067200", enrol.toString());
        assertEquals(0, a.status(), a.all());
        Path theirs = tmp.resolve("db.efitools.auth");
        Process p = new ProcessBuilder("sign-efi-sig-list", "-t", "2024-01-01 00:00:00", "-k", keys.resolve("kek.key").toString(), "-c",
                keys.resolve("kek.crt").toString(), "db", enrol.resolve("db.esl").toString(), theirs.toString()).redirectErrorStream(true).start();
        String efitools = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "sign-efi-sig-list (efitools): " + efitools);
        assertEquals(-1L, Files.mismatch(theirs, enrol.resolve("db.auth")), "db.auth equals efitools' output");
        assertTrue(Files.size(enrol.resolve("db.esl")) > 2000, "db keeps Microsoft's UEFI CAs next to the owner's certificate");

        Path img = tmp.resolve("mok.img");
        Cli.Result f = Cli.run("forge", Cli.fixtureIso().toString(), img.toString(), "signing=mok", "signing.keys=" + keys,
                "reproducible.seed=cli-mok", "persistence.size=64M");
        assertEquals(0, f.status(), f.all());

        Cli.Result untrusted = Cli.run("verify", img.toString());
        assertEquals(1, untrusted.status(), untrusted.all());
        assertTrue(untrusted.out().contains("FAIL  shim -> grub: ESP:/EFI/BOOT/grubx64.efi"), untrusted.out());
        assertTrue(untrusted.out().contains("verify: FAILS: ESP:/EFI/BOOT/grubx64.efi"), untrusted.out());

        Cli.Result trusted = Cli.run("verify", "--mok", "own", "--keys", keys.toString(), "--json", img.toString());
        assertEquals(0, trusted.status(), trusted.all());
        assertTrue(trusted.out().contains("\"ok\": true"), trusted.out());
    }
}
