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
 * @param failures one line per failing binary, naming it
 */
public record VerifyReport(String target, String db, String sbatLevel, boolean ok, List<Binary> binaries, List<String> failures) {
    public VerifyReport {
        binaries = List.copyOf(binaries);
        failures = List.copyOf(failures);
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
