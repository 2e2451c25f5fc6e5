package org.liveng.secureboot.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.ImagePlan;
import org.liveng.format.efivar.EfiSignatureList;
import org.liveng.keys.KeyDirectory;
import org.liveng.testing.boot.Boot;
import org.liveng.testing.boot.Firmware;
import org.liveng.testing.boot.Machine;
import org.liveng.testing.boot.SecureBootKeys;
import org.liveng.verify.internal.ChainVerifier;
import org.liveng.verify.internal.Trust;
import org.liveng.verify.internal.VerifyReport;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Own-key chains on OVMF with Secure Boot enforced (four boots), and {@code verify} agreeing with
 * the firmware on each:
 * <ul>
 * <li>custom-pk: a variable store holding only the owner's PK, KEK and db (liveng's key folder,
 * enrolled with efitools' flash-var) boots the stick to the kernel's "Secure boot enabled";</li>
 * <li>custom-pk with a tampered GRUB: shim refuses it;</li>
 * <li>mok: the MOK counts as trusted by enrolling its certificate into db next to Microsoft's
 * (MokList cannot be pre-seeded without a person at MokManager; shim checks db as well as MokList,
 * so this exercises the same shim code path that accepts a MOK-signed GRUB and kernel, with
 * Microsoft's unchanged shim started by the firmware); boots to "Secure boot enabled";</li>
 * <li>mok with a tampered kernel in slot A: GRUB (through shim's verifier) refuses it.</li>
 * </ul>
 * Each boot stops as soon as the deciding line is on the console.
 */
@ExtendWith(ServiceExtension.class)
class OwnKeyBootTest {
    static final Duration TO_KERNEL = Duration.ofMinutes(8);
    static final Pattern SHIM_REFUSAL = Pattern.compile("Verification failed|Security Violation");
    static final Pattern BAD_KERNEL = Pattern.compile("bad shim signature");

    @TempDir
    static Path tmp;
    static KeyDirectory keys;

    @InjectService(timeout = 5000)
    ImageForge forge;

    @BeforeAll
    static void keys() throws Exception {
        keys = Sticks.keys(tmp.resolve("keys"));
    }

    /** The owner's keys as the harness enrols them: pk.esl, kek.esl and db.esl (db = the certificate of {@code dbKey}). */
    static SecureBootKeys enrolled(String dir, String dbKey) throws Exception {
        return Sticks.enrolled(keys, tmp.resolve(dir), dbKey);
    }

    static String name(TestInfo info) {
        return "OwnKeyBootTest." + info.getTestMethod().map(m -> m.getName()).orElse("boot");
    }

    static void bootsToSecureBootKernel(Machine m, TestInfo info) throws Exception {
        try (Boot b = m.boot(name(info))) {
            b.await(Boot.KERNEL_SECURE_BOOT_ENABLED, TO_KERNEL);
            System.out.println("kernel with Secure Boot after " + Math.round(b.elapsedSeconds()) + " s");
            b.powerCut();
            b.assertSecureBootEnforced();
            assertTrue(b.consoleText().contains("Linux version"), b.tail(40));
            assertFalse(b.consoleText().contains("bad shim signature"), "slot A's kernel was accepted: " + b.tail(40));
        }
    }

    static String refused(Machine m, TestInfo info, Pattern refusal) throws Exception {
        try (Boot b = m.boot(name(info))) {
            String line = b.await(refusal, TO_KERNEL);
            System.out.println("refused after " + Math.round(b.elapsedSeconds()) + " s: " + line);
            b.powerCut();
            return b.consoleText();
        }
    }

    @Test
    void customPkBootsWithOnlyTheOwnersKeys(TestInfo info) throws Exception {
        Path img = tmp.resolve("custom-pk.img");
        Sticks.forge(forge, Sticks.recipe("custom-pk", keys, Map.of()), img);
        SecureBootKeys own = enrolled("custom-pk-vars", "db");
        VerifyReport r = ChainVerifier.verify(img, new ChainVerifier.Options(Trust.read(own.signatureList(SecureBootKeys.Role.DB)),
                Trust.empty("none"), Trust.empty("none"), Map.of()));
        assertTrue(r.ok(), "verify: " + r.failures());
        bootsToSecureBootKernel(Machine.builder(Firmware.UEFI_SECUREBOOT_CUSTOM).bootDisk(img, true).secureBootKeys(own, false).build(), info);
    }

    @Test
    void customPkWithATamperedGrubIsRefusedByShim(TestInfo info) throws Exception {
        Path img = tmp.resolve("custom-pk-tampered.img");
        ImagePlan plan = Sticks.forge(forge, Sticks.recipe("custom-pk", keys, Map.of()), img);
        Sticks.tamperEspFile(img, plan, "/EFI/BOOT/grubx64.efi", tmp);
        SecureBootKeys own = enrolled("custom-pk-vars-2", "db");
        VerifyReport r = ChainVerifier.verify(img, new ChainVerifier.Options(Trust.read(own.signatureList(SecureBootKeys.Role.DB)),
                Trust.empty("none"), Trust.empty("none"), Map.of()));
        assertFalse(r.ok());
        assertTrue(r.failures().get(0).startsWith("ESP:/EFI/BOOT/grubx64.efi:"), r.failures().toString());
        String console = refused(Machine.builder(Firmware.UEFI_SECUREBOOT_CUSTOM).bootDisk(img, true).secureBootKeys(own, false).build(), info,
                SHIM_REFUSAL);
        assertFalse(console.contains("Linux version"), "no kernel after the refusal");
    }

    @Test
    void mokBootsOnceTheMokIsTrusted(TestInfo info) throws Exception {
        Path img = tmp.resolve("mok.img");
        Sticks.forge(forge, Sticks.recipe("mok", keys, Map.of()), img);
        SecureBootKeys vars = enrolled("mok-vars", "mok");
        // what the firmware will hold: the MOK certificate and Microsoft's db entries
        Path db = tmp.resolve("mok-db.esl");
        Files.write(db, concat(Files.readAllBytes(vars.signatureList(SecureBootKeys.Role.DB)), SecureBootKeys.microsoftDb()));
        VerifyReport r = ChainVerifier.verify(img, new ChainVerifier.Options(Trust.read(db), Trust.empty("none"), Trust.empty("none"), Map.of()));
        assertTrue(r.ok(), "verify: " + r.failures());
        // and verify refuses the same stick with Microsoft's db alone, naming GRUB (the MOK is not trusted there)
        VerifyReport ms = ChainVerifier.verify(img, new ChainVerifier.Options(Trust.microsoft(), Trust.empty("none"), Trust.empty("none"), Map.of()));
        assertTrue(ms.failures().get(0).startsWith("ESP:/EFI/BOOT/grubx64.efi:"), ms.failures().toString());
        bootsToSecureBootKernel(Machine.builder(Firmware.UEFI_SECUREBOOT_CUSTOM).bootDisk(img, true).secureBootKeys(vars, true).build(), info);
    }

    @Test
    void mokWithATamperedKernelIsRefused(TestInfo info) throws Exception {
        Path img = tmp.resolve("mok-tampered.img");
        ImagePlan plan = Sticks.forge(forge, Sticks.recipe("mok", keys, Map.of()), img);
        Sticks.tamperSlotFile(img, plan, "LIVENG_KERNEL_A", "/live/vmlinuz", tmp);
        SecureBootKeys vars = enrolled("mok-vars-2", "mok");
        VerifyReport r = ChainVerifier.verify(img, new ChainVerifier.Options(Trust.microsoft().plus(
                new Trust("mok", List.of(keys.certificate("mok")), Set.of()), "db"), Trust.empty("none"), Trust.empty("none"), Map.of()));
        assertFalse(r.ok());
        assertEquals(1, r.failures().size(), r.failures().toString());
        assertTrue(r.failures().get(0).startsWith("LIVENG_KERNEL_A:/live/vmlinuz:"), r.failures().toString());
        String console = refused(Machine.builder(Firmware.UEFI_SECUREBOOT_CUSTOM).bootDisk(img, true).secureBootKeys(vars, true).build(), info,
                BAD_KERNEL);
        assertTrue(console.contains("bad shim signature"), console);
    }

    static byte[] concat(byte[] a, byte[] b) throws Exception {
        EfiSignatureList.parse(a, "own db");
        EfiSignatureList.parse(b, "Microsoft db");
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
