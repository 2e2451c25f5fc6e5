package org.liveng.testing.boot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The firmware a test machine starts with. Every UEFI boot gets a fresh private copy of its variable
 * store, so no boot sees what an earlier one wrote.
 */
public enum Firmware {
    /** OVMF with Secure Boot enforced and Microsoft's keys enrolled (the state of a retail PC). */
    UEFI_SECUREBOOT_MS(true, true),
    /**
     * OVMF with Secure Boot enforced and only the test's own PK/KEK/db (see {@link SecureBootKeys}),
     * optionally with Microsoft's db certificates added ({@link Machine.Builder#secureBootKeys}).
     */
    UEFI_SECUREBOOT_CUSTOM(true, true),
    /** OVMF without Secure Boot (empty variable store: setup mode). */
    UEFI(true, false),
    /** SeaBIOS, QEMU's default. */
    BIOS(false, false);

    static final Path OVMF_DIR = Path.of("/usr/share/OVMF");
    static final Path OVMF_CODE = OVMF_DIR.resolve("OVMF_CODE_4M.fd");
    static final Path OVMF_CODE_SECBOOT = OVMF_DIR.resolve("OVMF_CODE_4M.secboot.fd");
    /** The empty variable store (setup mode): the base of {@link #UEFI} and of custom key stores. */
    public static final Path OVMF_VARS_EMPTY = OVMF_DIR.resolve("OVMF_VARS_4M.fd");
    /** The variable store with Microsoft's KEK and db (and Red Hat's PK). */
    public static final Path OVMF_VARS_MS = OVMF_DIR.resolve("OVMF_VARS_4M.ms.fd");
    static final Path SEABIOS = Path.of("/usr/share/seabios/bios-256k.bin");

    private final boolean uefi;
    private final boolean secureBoot;

    Firmware(boolean uefi, boolean secureBoot) {
        this.uefi = uefi;
        this.secureBoot = secureBoot;
    }

    public boolean isUefi() {
        return uefi;
    }

    /** Whether the firmware enforces Secure Boot (a boot under it must prove it with {@link Boot#assertSecureBootEnforced()}). */
    public boolean isSecureBoot() {
        return secureBoot;
    }

    /** The read-only code flash image, or {@code null} for SeaBIOS. */
    public Path code() {
        return switch (this) {
            case UEFI_SECUREBOOT_MS, UEFI_SECUREBOOT_CUSTOM -> OVMF_CODE_SECBOOT;
            case UEFI -> OVMF_CODE;
            case BIOS -> null;
        };
    }

    /** The variable store template copied per boot; {@code null} for BIOS and for custom keys (made by {@link SecureBootKeys}). */
    public Path varsTemplate() {
        return switch (this) {
            case UEFI_SECUREBOOT_MS -> OVMF_VARS_MS;
            case UEFI -> OVMF_VARS_EMPTY;
            case UEFI_SECUREBOOT_CUSTOM, BIOS -> null;
        };
    }

    List<Path> requiredFiles() {
        return switch (this) {
            case UEFI_SECUREBOOT_MS -> List.of(OVMF_CODE_SECBOOT, OVMF_VARS_MS);
            case UEFI_SECUREBOOT_CUSTOM -> List.of(OVMF_CODE_SECBOOT, OVMF_VARS_EMPTY);
            case UEFI -> List.of(OVMF_CODE, OVMF_VARS_EMPTY);
            case BIOS -> List.of(SEABIOS);
        };
    }

    String debianPackage() {
        return uefi ? "ovmf" : "seabios";
    }

    /** QEMU arguments selecting this firmware with the given private variable store copy. */
    List<String> qemuArgs(Path varsCopy) {
        List<String> a = new ArrayList<>();
        if (!uefi) {
            a.add("-machine");
            a.add("pc");
            return a;
        }
        a.add("-machine");
        a.add(secureBoot ? "q35,smm=on" : "q35");
        if (secureBoot) {
            a.add("-global");
            a.add("driver=cfi.pflash01,property=secure,value=on");
        }
        a.add("-drive");
        a.add("if=pflash,format=raw,unit=0,readonly=on,file=" + Machine.escape(code().toString()));
        a.add("-drive");
        a.add("if=pflash,format=raw,unit=1,file=" + Machine.escape(varsCopy.toString()));
        return a;
    }
}
