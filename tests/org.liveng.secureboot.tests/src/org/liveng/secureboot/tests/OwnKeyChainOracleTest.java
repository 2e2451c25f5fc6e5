package org.liveng.secureboot.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.medium.Content;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.signing.SigningService;
import org.liveng.api.plan.ImagePlan;
import org.liveng.keys.KeyDirectory;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ExecResult;
import org.liveng.testing.Oracles;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Sticks forged with {@code custom-pk} and {@code mok} on the genuine Debian live ISO, judged without
 * firmware: sbverify and osslsigncode accept shim, GRUB and the slot kernel with the owner's
 * certificate; the enrolment files equal efitools' for the same inputs; GRUB carries an SBAT section.
 */
@ExtendWith(ServiceExtension.class)
class OwnKeyChainOracleTest {
    @TempDir
    Path tmp;

    @InjectService(timeout = 5000)
    ImageForge forge;

    @InjectService(timeout = 5000, filter = "(liveng.id=mok)")
    SigningService mokService;

    @InjectService(timeout = 5000, filter = "(liveng.id=custom-pk)")
    SigningService customPkService;

    /** The kernel update path: every new kernel (here the ISO's, Debian-signed) is re-signed with the owner's key. */
    @Test
    void signKernelReSignsANewKernelWithTheOwnersKey() throws Exception {
        KeyDirectory keys = Sticks.keys(tmp.resolve("keys"));
        Path kernel = tmp.resolve("vmlinuz");
        Oracles.run(Command.of("xorriso", "-osirrox", "on", "-indev", Oracles.liveIso().toString(), "-extract", "/live/vmlinuz",
                kernel.toString()).fromPackage("xorriso"));
        assertTrue(Sticks.signers(kernel).contains("Debian Secure Boot"), Sticks.signers(kernel));
        String[][] cases = { { "mok", "mok" }, { "custom-pk", "db" } };
        for (String[] c : cases) {
            SigningService s = c[0].equals("mok") ? mokService : customPkService;
            Content signed = s.signKernel(Content.of(kernel), Sticks.recipe(c[0], keys, Map.of()));
            Path out = tmp.resolve("vmlinuz." + c[0]);
            try (var in = signed.open()) {
                Files.write(out, in.readAllBytes());
            }
            assertEquals(0, Sticks.sbverify(keys.certificateFile(c[1]), out).exitCode(), c[0] + ": " + Sticks.signers(out));
            assertFalse(Sticks.signers(out).contains("Debian"), "the distro signature is replaced: " + Sticks.signers(out));
        }
    }

    @Test
    void customPkSignsShimGrubAndKernelWithDbAndPutsEfitoolsEqualAuthFilesOnTheEsp() throws Exception {
        KeyDirectory keys = Sticks.keys(tmp.resolve("keys"));
        Path img = tmp.resolve("custom-pk.img");
        ImagePlan plan = Sticks.forge(forge, Sticks.recipe("custom-pk", keys, Map.of()), img);
        Path db = keys.certificateFile("db");
        for (String f : new String[] { "/EFI/BOOT/BOOTX64.EFI", "/EFI/BOOT/grubx64.efi" }) {
            Path bin = Sticks.espFile(img, plan, f, tmp.resolve(Path.of(f).getFileName().toString()));
            ExecResult v = Sticks.sbverify(db, bin);
            assertEquals(0, v.exitCode(), f + ": " + v.stdoutText() + v.stderr());
            String signers = Sticks.signers(bin);
            assertTrue(signers.contains("CN=liveng test DB"), f + ": " + signers);
            assertFalse(signers.contains("Microsoft"), "the Microsoft signature is replaced: " + signers);
            ExecResult o = Sticks.osslsigncode(db, bin);
            assertEquals(0, o.exitCode(), f + ": " + o.stdoutText() + o.stderr());
            assertTrue(o.stdoutText().contains("Signature verification: ok"), o.stdoutText());
            // another key's certificate does not verify it
            assertTrue(Sticks.sbverify(keys.certificateFile("mok"), bin).exitCode() != 0, f);
        }
        Path kernel = Sticks.slotFile(img, plan, "LIVENG_KERNEL_A", "/live/vmlinuz", tmp.resolve("vmlinuz"));
        ExecResult kv = Sticks.sbverify(db, kernel);
        assertEquals(0, kv.exitCode(), kv.stdoutText() + kv.stderr());

        // SBAT: the distro GRUB's generations and liveng's line (objcopy reads the section)
        Path grub = tmp.resolve("grubx64.efi");
        Path sbat = tmp.resolve("sbat.csv");
        Oracles.run(Command.of("objcopy", "-O", "binary", "--only-section=.sbat", grub.toString(), sbat.toString()).fromPackage("binutils"));
        String sbatText = Files.readString(sbat).replace("\0", "");
        assertTrue(sbatText.startsWith("sbat,1,"), sbatText);
        assertTrue(sbatText.contains("\ngrub,") && sbatText.contains("\ngrub.liveng,1,liveng,grub2,"), sbatText);

        // enrolment files: efitools makes the same signature lists and .auth updates from the same keys and time
        String keysDir = "/EFI/liveng/keys/";
        Path dbEsl = Sticks.espFile(img, plan, keysDir + "db.esl", tmp.resolve("db.esl"));
        Path ownDb = tmp.resolve("own-db.esl");
        Oracles.run(Command.of("cert-to-efi-sig-list", "-g", keys.owner().toString(), db.toString(), ownDb.toString()).fromPackage("efitools"));
        byte[] esl = Files.readAllBytes(dbEsl);
        byte[] own = Files.readAllBytes(ownDb);
        assertArrayEquals(own, java.util.Arrays.copyOf(esl, own.length), "db starts with the owner's certificate");
        assertTrue(esl.length > own.length + 1000, "and keeps Microsoft's UEFI CA certificates");
        String[][] updates = { { "db", "kek" }, { "KEK", "pk" }, { "PK", "pk" } };
        for (String[] u : updates) {
            Path in = Sticks.espFile(img, plan, keysDir + u[0] + ".esl", tmp.resolve(u[0] + ".esl"));
            Path ours = Sticks.espFile(img, plan, keysDir + u[0] + ".auth", tmp.resolve(u[0] + ".auth"));
            Path theirs = tmp.resolve(u[0] + ".efitools.auth");
            Oracles.run(Command.of("sign-efi-sig-list", "-t", Sticks.EPOCH_TEXT, "-k", keys.keyFile(u[1]).toString(), "-c",
                    keys.certificateFile(u[1]).toString(), u[0], in.toString(), theirs.toString()).fromPackage("efitools"));
            assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(ours), u[0] + ".auth equals efitools' output");
        }
        String readme = Files.readString(Sticks.espFile(img, plan, "/EFI/liveng/README-KEYS.txt", tmp.resolve("readme.txt")));
        assertTrue(readme.contains("Microsoft Corporation UEFI CA 2011"), readme);
    }

    @Test
    void withoutMicrosoftDbOnlyTheOwnersCertificateIsInDbAndTheReadmeWarns() throws Exception {
        KeyDirectory keys = Sticks.keys(tmp.resolve("keys"));
        Path img = tmp.resolve("custom-pk-own.img");
        ImagePlan plan = Sticks.forge(forge, Sticks.recipe("custom-pk", keys, Map.of("signing.microsoft-db", "false")), img);
        Path ownDb = tmp.resolve("own-db.esl");
        Oracles.run(Command.of("cert-to-efi-sig-list", "-g", keys.owner().toString(), keys.certificateFile("db").toString(), ownDb.toString())
                .fromPackage("efitools"));
        assertArrayEquals(Files.readAllBytes(ownDb), Files.readAllBytes(Sticks.espFile(img, plan, "/EFI/liveng/keys/db.esl", tmp.resolve("db.esl"))));
        String readme = Files.readString(Sticks.espFile(img, plan, "/EFI/liveng/README-KEYS.txt", tmp.resolve("readme.txt")));
        assertTrue(readme.contains("WARNING: db holds ONLY your certificate"), readme);
        assertTrue(plan.notes().stream().anyMatch(n -> n.startsWith("warning: signing.microsoft-db=false")), "forge warns: " + plan.notes());
    }

    @Test
    void mokKeepsMicrosoftsShimAndSignsGrubAndKernelWithTheMok() throws Exception {
        KeyDirectory keys = Sticks.keys(tmp.resolve("keys"));
        Path img = tmp.resolve("mok.img");
        ImagePlan plan = Sticks.forge(forge, Sticks.recipe("mok", keys, Map.of()), img);
        Path mok = keys.certificateFile("mok");
        Path shim = Sticks.espFile(img, plan, "/EFI/BOOT/BOOTX64.EFI", tmp.resolve("shim.efi"));
        assertTrue(Sticks.signers(shim).contains("Microsoft Corporation UEFI CA 2011"), "shim unchanged");
        Path grub = Sticks.espFile(img, plan, "/EFI/BOOT/grubx64.efi", tmp.resolve("grub.efi"));
        assertEquals(0, Sticks.sbverify(mok, grub).exitCode(), Sticks.signers(grub));
        assertEquals(0, Sticks.osslsigncode(mok, grub).exitCode());
        Path kernel = Sticks.slotFile(img, plan, "LIVENG_KERNEL_A", "/live/vmlinuz", tmp.resolve("vmlinuz"));
        assertEquals(0, Sticks.sbverify(mok, kernel).exitCode(), Sticks.signers(kernel));
        assertEquals(0, Sticks.osslsigncode(mok, kernel).exitCode());
        // MokManager and the certificate in DER for "enroll key from disk"
        Sticks.espFile(img, plan, "/EFI/BOOT/mmx64.efi", tmp.resolve("mm.efi"));
        Path der = Sticks.espFile(img, plan, "/EFI/liveng/MOK.der", tmp.resolve("MOK.der"));
        assertArrayEquals(keys.export("mok", "der"), Files.readAllBytes(der));
        String readme = Files.readString(Sticks.espFile(img, plan, "/EFI/liveng/README-MOK.txt", tmp.resolve("readme.txt")));
        assertTrue(readme.contains("Enroll key from disk") && readme.contains(keys.info("mok").sha256()), readme);
    }
}
