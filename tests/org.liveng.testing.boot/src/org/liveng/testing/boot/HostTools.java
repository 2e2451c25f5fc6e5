package org.liveng.testing.boot;

import java.nio.file.Files;
import java.nio.file.Path;

import org.liveng.platform.exec.ProcessRunner;

/**
 * Checks for the host programs and firmware files the boot harness needs. A missing one is a test
 * failure ({@link AssertionError}) naming the Debian package to install, never a skip.
 */
public final class HostTools {
    /** The shared runner of the harness. */
    static final ProcessRunner RUNNER = new ProcessRunner();

    public static final String QEMU = "qemu-system-x86_64";

    private HostTools() {
    }

    /** Fails unless {@code program} is on PATH (or /usr/sbin, /sbin); returns its path. */
    public static Path requireProgram(String program, String debianPackage) {
        return RUNNER.locate(program).orElseThrow(() -> new AssertionError(
                "the boot harness needs the program '" + program + "', which was not found on PATH, /usr/sbin or /sbin: install "
                        + debianPackage + " (apt-get install " + debianPackage + ")"));
    }

    /** Fails unless {@code file} is a regular file; returns it. */
    public static Path requireFile(Path file, String debianPackage) {
        if (!Files.isRegularFile(file)) {
            throw new AssertionError("the boot harness needs " + file + ", which does not exist: install " + debianPackage
                    + " (apt-get install " + debianPackage + ")");
        }
        return file;
    }

    /** Checks everything a boot with {@code firmware} needs. */
    public static void requireFor(Firmware firmware) {
        requireProgram(QEMU, "qemu-system-x86");
        for (Path f : firmware.requiredFiles()) {
            requireFile(f, firmware.debianPackage());
        }
        if (firmware == Firmware.UEFI_SECUREBOOT_CUSTOM) {
            requireEfitools();
        }
    }

    /** openssl and efitools, for {@link SecureBootKeys}. */
    public static void requireEfitools() {
        requireProgram("openssl", "openssl");
        requireProgram("cert-to-efi-sig-list", "efitools");
        requireProgram("flash-var", "efitools");
        requireFile(Firmware.OVMF_VARS_EMPTY, "ovmf");
    }
}
