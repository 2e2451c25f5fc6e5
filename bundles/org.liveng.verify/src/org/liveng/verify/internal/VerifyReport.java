package org.liveng.verify.internal;

import java.util.List;

/**
 * What {@code liveng verify} found: each binary of the boot chain in the order firmware, shim and
 * GRUB load it, and whether the chain would boot.
 *
 * @param target the image or device
 * @param db the trust the firmware was assumed to hold
 * @param sbatLevel the SBAT revocation level applied and where it came from (given, or shim's built-in "previous" level)
 * @param ok whether every binary of the default chain passes
 * @param binaries the binaries, in load order
 * @param failures one line per failing binary or kernel slot, naming it
 * @param slots each kernel slot and whether the modules of its kernel are where its manifest says
 */
public record VerifyReport(String target, String db, String sbatLevel, boolean ok, List<Binary> binaries, List<String> failures,
        List<Slot> slots) {
    public VerifyReport {
        binaries = List.copyOf(binaries);
        failures = List.copyOf(failures);
        slots = List.copyOf(slots);
    }

    /**
     * One kernel slot's binding to the place of its kernel's modules.
     *
     * @param partition the slot's GPT name
     * @param kernel the kernel release its manifest states
     * @param modules where the modules are: {@code system} (the ISO's kernel), {@code persistence} (an update), or
     *        {@code initrd-only} (an update on a stick without persistence)
     * @param persistence the PARTUUID of the persistence the kernel was installed with, or empty
     * @param ok whether that persistence is the stick's persistence (always true for the other locations)
     * @param problem why not
     */
    public record Slot(String partition, String kernel, String modules, String persistence, boolean ok, String problem) {
    }

    /**
     * One binary.
     *
     * @param stage firmware, shim, grub or kernel (with its menu entry)
     * @param path where it is: {@code ESP:/EFI/BOOT/BOOTX64.EFI}, {@code LIVENG_KERNEL_A:/live/vmlinuz}
     * @param verifiedBy who checks it: firmware (db, dbx) or shim (db, MokList, vendor certificate, dbx)
     * @param sha256 Authenticode SHA-256 image hash (what db/dbx hash entries hold)
     * @param signers subject of each signature's signer
     * @param trustedVia which certificate or hash let it pass, or empty
     * @param sbat SBAT entries "component,generation"
     * @param ok whether it passes
     * @param problems why not
     */
    public record Binary(String stage, String path, String verifiedBy, String sha256, List<String> signers, String trustedVia,
            List<String> sbat, boolean ok, List<String> problems) {
        public Binary {
            signers = List.copyOf(signers);
            sbat = List.copyOf(sbat);
            problems = List.copyOf(problems);
        }
    }
}
