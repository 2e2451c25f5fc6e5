package org.liveng.secureboot.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.ImagePlan;
import org.liveng.api.recipe.Recipe;
import org.liveng.keys.KeyDirectory;
import org.liveng.verify.internal.ChainVerifier;
import org.liveng.verify.internal.Trust;
import org.liveng.verify.internal.VerifyReport;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * {@code liveng verify}'s chain walk on forged sticks: the distro chain passes with Microsoft's db,
 * own-key chains pass only with the trust they need, and tampering, dbx entries (made by efitools'
 * hash-to-efi-sig-list) and SBAT levels fail naming the binary. The boot tests check that the
 * firmware agrees.
 */
@ExtendWith(ServiceExtension.class)
class VerifyOracleTest {
    @TempDir
    static Path tmp;
    static KeyDirectory keys;

    @InjectService(timeout = 5000)
    ImageForge forge;

    @BeforeAll
    static void keys() throws Exception {
        keys = Sticks.keys(tmp.resolve("keys"));
    }

    static ChainVerifier.Options options(Trust db, Trust mok) {
        return new ChainVerifier.Options(db, mok, Trust.empty("no dbx"), Map.of());
    }

    static Trust own(String name) throws Exception {
        return new Trust(name, List.of(keys.certificate(name)), Set.of());
    }

    static VerifyReport.Binary at(VerifyReport r, String pathPart) {
        return r.binaries().stream().filter(b -> b.path().contains(pathPart)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + pathPart + " in " + r));
    }

    @Test
    void theDistroChainPassesWithMicrosoftsDb() throws Exception {
        Path img = tmp.resolve("distro.img");
        ImagePlan plan = Sticks.forge(forge, new Recipe(Map.of("reproducible.seed", "verify-distro", "persistence.size", "64M")), img);
        VerifyReport r = ChainVerifier.verify(img, options(Trust.microsoft(), Trust.empty("none")));
        assertTrue(r.ok(), r.toString());
        assertTrue(at(r, "BOOTX64.EFI").trustedVia().contains("Microsoft Corporation UEFI CA 2011"), r.toString());
        // without --sbat-level, shim's own built-in "previous" level applies (objcopy reads the same section)
        Path level = tmp.resolve("sbatlevel.bin");
        Path shim = Sticks.espFile(img, plan, "/EFI/BOOT/BOOTX64.EFI", tmp.resolve("distro-shim.efi"));
        org.liveng.testing.Oracles.run(org.liveng.platform.exec.Command.of("objcopy", "-O", "binary", "--only-section=.sbatlevel",
                shim.toString(), level.toString()).fromPackage("binutils"));
        String section = new String(Files.readAllBytes(level), java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(r.sbatLevel().startsWith("shim's built-in previous level"), r.sbatLevel());
        assertTrue(section.contains("grub,") && r.sbatLevel().contains("grub="), r.sbatLevel() + " / " + section);
        assertTrue(at(r, "grubx64.efi").trustedVia().contains("Debian Secure Boot CA"), r.toString());
        assertTrue(at(r, "grubx64.efi").sbat().stream().anyMatch(s -> s.startsWith("grub,")), r.toString());
        assertTrue(at(r, "LIVENG_KERNEL_A:/live/vmlinuz").ok(), r.toString());
        assertTrue(r.binaries().stream().anyMatch(b -> b.path().startsWith("LIVENG_SYSTEM:") && b.ok()), "the fallback kernel: " + r);
        // sbverify agrees on the signer of the slot kernel
        Path kernel = Sticks.slotFile(img, plan, "LIVENG_KERNEL_A", "/live/vmlinuz", tmp.resolve("distro-vmlinuz"));
        assertTrue(Sticks.signers(kernel).contains("Debian Secure Boot"), Sticks.signers(kernel));
    }

    @Test
    void customPkPassesWithTheOwnDbOnlyAndATamperedGrubOrKernelFailsByName() throws Exception {
        Path img = tmp.resolve("custom-pk.img");
        ImagePlan plan = Sticks.forge(forge, Sticks.recipe("custom-pk", keys, Map.of()), img);
        assertTrue(ChainVerifier.verify(img, options(own("db"), Trust.empty("none"))).ok());
        VerifyReport ms = ChainVerifier.verify(img, options(Trust.microsoft(), Trust.empty("none")));
        assertFalse(ms.ok());
        assertFalse(at(ms, "BOOTX64.EFI").ok(), "Microsoft's db does not trust the re-signed shim: " + ms);

        Sticks.tamperSlotFile(img, plan, "LIVENG_KERNEL_A", "/live/vmlinuz", tmp);
        VerifyReport k = ChainVerifier.verify(img, options(own("db"), Trust.empty("none")));
        assertFalse(k.ok());
        assertEquals(1, k.failures().size(), k.failures().toString());
        assertTrue(k.failures().get(0).startsWith("LIVENG_KERNEL_A:/live/vmlinuz: the image hash does not match"), k.failures().toString());
        // sbverify agrees
        Path kernel = Sticks.slotFile(img, plan, "LIVENG_KERNEL_A", "/live/vmlinuz", tmp.resolve("tampered-vmlinuz"));
        assertTrue(Sticks.sbverify(keys.certificateFile("db"), kernel).exitCode() != 0);

        Sticks.tamperEspFile(img, plan, "/EFI/BOOT/grubx64.efi", tmp);
        VerifyReport g = ChainVerifier.verify(img, options(own("db"), Trust.empty("none")));
        assertTrue(g.failures().stream().anyMatch(f -> f.startsWith("ESP:/EFI/BOOT/grubx64.efi: the image hash does not match")), g.failures().toString());
    }

    @Test
    void mokPassesOnlyWithTheMokTrustedAndDbxAndSbatLevelsRevokeByName() throws Exception {
        Path img = tmp.resolve("mok.img");
        ImagePlan plan = Sticks.forge(forge, Sticks.recipe("mok", keys, Map.of()), img);
        VerifyReport noMok = ChainVerifier.verify(img, options(Trust.microsoft(), Trust.empty("none")));
        assertFalse(noMok.ok());
        assertTrue(at(noMok, "BOOTX64.EFI").ok(), "Microsoft's shim passes the firmware");
        assertTrue(noMok.failures().get(0).startsWith("ESP:/EFI/BOOT/grubx64.efi: signed by ")
                && noMok.failures().get(0).contains("CN=liveng test MOK"), noMok.failures().toString());
        assertTrue(ChainVerifier.verify(img, options(Trust.microsoft(), own("mok"))).ok());

        // a dbx holding GRUB's Authenticode hash as osslsigncode calculates it (efitools' hash-to-efi-sig-list
        // refuses signed images)
        Path grub = Sticks.espFile(img, plan, "/EFI/BOOT/grubx64.efi", tmp.resolve("mok-grub.efi"));
        String out = Sticks.osslsigncode(keys.certificateFile("mok"), grub).stdoutText();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Calculated message digest : ([0-9A-F]{64})").matcher(out);
        assertTrue(m.find(), out);
        Path dbx = tmp.resolve("dbx.esl");
        Files.write(dbx, org.liveng.format.efivar.EfiSignatureList.sha256(org.liveng.format.efivar.EfiGuid.of("11111111-2222-3333-4444-555555555555"),
                List.of(java.util.HexFormat.of().parseHex(m.group(1)))).encode());
        VerifyReport revoked = ChainVerifier.verify(img, new ChainVerifier.Options(Trust.microsoft(), own("mok"), Trust.read(dbx), Map.of()));
        assertFalse(revoked.ok());
        assertTrue(revoked.failures().get(0).startsWith("ESP:/EFI/BOOT/grubx64.efi: its image hash") && revoked.failures().get(0).contains("dbx"),
                revoked.failures().toString());

        Path level = Files.writeString(tmp.resolve("sbat-level.csv"), "sbat,1,2099010100\ngrub,99\n");
        VerifyReport sbat = ChainVerifier.verify(img, new ChainVerifier.Options(Trust.microsoft(), own("mok"), Trust.empty("none"),
                ChainVerifier.sbatLevel(level.toString())));
        assertFalse(sbat.ok());
        assertTrue(sbat.failures().get(0).startsWith("ESP:/EFI/BOOT/grubx64.efi: SBAT grub generation"), sbat.failures().toString());
    }
}
