package org.liveng.e2e.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.platform.exec.Command;
import org.liveng.testing.boot.Boot;
import org.liveng.testing.boot.DiskImages;
import org.liveng.testing.boot.Firmware;
import org.liveng.testing.boot.HostTools;
import org.liveng.testing.boot.Machine;
import org.liveng.testing.boot.SecureBootKeys;

/**
 * Secure Boot really is enforced: tampered boot files are refused, and a variable store with only
 * the test's own keys refuses Microsoft's shim (while adding Microsoft's db lets it boot). Each boot
 * stops as soon as the refusal (or the kernel's Secure Boot line) is on the console.
 */
class SecureBootRefusalTest {
    static final Duration TO_REFUSAL = Duration.ofMinutes(4);
    static final String GRUB_ON_ESP = "::/EFI/boot/grubx64.efi";

    @TempDir
    static Path tmp;
    static Path iso;

    @BeforeAll
    static void fixture() throws Exception {
        iso = E2eFixtures.liveIso();
    }

    /** Shim checks GRUB's signature: one changed run of bytes in grubx64.efi on the ESP is a Security Violation. */
    @Test
    void tamperedGrubIsRefusedByShim(TestInfo info) throws Exception {
        HostTools.requireProgram("mcopy", "mtools");
        Path disk = DiskImages.writeRaw(iso, tmp.resolve("tampered-grub.img"));
        E2eFixtures.FileRange esp = E2eFixtures.locate(disk, "/boot/grub/efi.img");
        Path efiImg = DiskImages.extract(disk, esp.offset(), esp.length(), tmp.resolve("efi.img"));
        Path grub = tmp.resolve("grubx64.efi");
        mtools("mcopy", "-n", "-i", efiImg.toString(), GRUB_ON_ESP, grub.toString());
        long grubSize = Files.size(grub);
        DiskImages.flipBytes(grub, grubSize / 2, 64);
        mtools("mcopy", "-o", "-i", efiImg.toString(), grub.toString(), GRUB_ON_ESP);
        assertEquals(esp.length(), Files.size(efiImg), "efi.img changed size");
        DiskImages.writeAt(disk, esp.offset(), efiImg);
        assertEquals(Files.size(iso), Files.size(disk));
        // the ESP in the disk image now holds the tampered GRUB
        Path check = tmp.resolve("grub-check.efi");
        DiskImages.extract(disk, esp.offset(), esp.length(), tmp.resolve("efi-check.img"));
        mtools("mcopy", "-n", "-i", tmp.resolve("efi-check.img").toString(), GRUB_ON_ESP, check.toString());
        assertEquals(-1L, Files.mismatch(grub, check));

        Machine m = Machine.builder(Firmware.UEFI_SECUREBOOT_MS).bootDisk(disk, true).build();
        try (Boot b = m.boot(E2eFixtures.name(info))) {
            String line = b.await(Pattern.compile("Verification failed|Security Violation"), TO_REFUSAL);
            System.out.println("refused after " + Math.round(b.elapsedSeconds()) + " s: " + line);
            b.powerCut();
            assertFalse(b.consoleText().contains("Linux version"), "a kernel started after the refusal");
        }
    }

    /** GRUB asks shim to verify the kernel: a changed run of bytes in /live/vmlinuz is "bad shim signature". */
    @Test
    void tamperedKernelIsRefusedByGrub(TestInfo info) throws Exception {
        Path disk = DiskImages.writeRaw(iso, tmp.resolve("tampered-kernel.img"));
        E2eFixtures.FileRange kernel = E2eFixtures.locate(disk, "/live/vmlinuz");
        DiskImages.flipBytes(disk, kernel.offset() + kernel.length() / 2, 64);

        Machine m = Machine.builder(Firmware.UEFI_SECUREBOOT_MS).bootDisk(disk, true).build();
        try (Boot b = m.boot(E2eFixtures.name(info))) {
            String line = b.await("bad shim signature", TO_REFUSAL);
            System.out.println("refused after " + Math.round(b.elapsedSeconds()) + " s: " + line);
            b.powerCut();
            assertFalse(b.consoleText().contains("Linux version"), "the tampered kernel started");
        }
    }

    /**
     * With only the test's own PK/KEK/db the firmware refuses Microsoft-signed shim: the custom
     * variable store is really the one enforced.
     */
    @Test
    void ownKeysOnlyRefuseMicrosoftSignedShim(TestInfo info) throws Exception {
        SecureBootKeys keys = SecureBootKeys.generate(tmp.resolve("keys-own-only"));
        Machine m = Machine.builder(Firmware.UEFI_SECUREBOOT_CUSTOM).bootDisk(iso, true)
                .secureBootKeys(keys, false).build();
        try (Boot b = m.boot(E2eFixtures.name(info))) {
            String line = b.await("Access Denied", TO_REFUSAL);
            System.out.println("refused after " + Math.round(b.elapsedSeconds()) + " s: " + line);
            b.powerCut();
            assertFalse(b.consoleText().contains("Welcome to GRUB"), "GRUB started");
        }
    }

    /**
     * Own PK/KEK plus own and Microsoft's db: the same shim now boots, and the kernel reports Secure
     * Boot enabled (stopped right there, no full boot).
     */
    @Test
    void ownKeysWithMicrosoftDbBootShimWithSecureBootEnforced(TestInfo info) throws Exception {
        SecureBootKeys keys = SecureBootKeys.generate(tmp.resolve("keys-with-ms"));
        Machine m = Machine.builder(Firmware.UEFI_SECUREBOOT_CUSTOM).bootDisk(iso, true)
                .secureBootKeys(keys, true).build();
        try (Boot b = m.boot(E2eFixtures.name(info))) {
            b.await(Boot.KERNEL_SECURE_BOOT_ENABLED, TO_REFUSAL);
            System.out.println("kernel enforcing Secure Boot after " + Math.round(b.elapsedSeconds()) + " s");
            b.assertSecureBootEnforced();
            b.powerCut();
            assertNotEquals(-1, b.consoleText().indexOf("Linux version"));
        }
    }

    private static void mtools(String... argv) throws Exception {
        E2eFixtures.RUNNER.run(Command.of(argv[0], java.util.Arrays.copyOfRange(argv, 1, argv.length))
                .env("MTOOLS_SKIP_CHECK", "1").fromPackage("mtools").timeout(Duration.ofMinutes(1)));
    }
}
