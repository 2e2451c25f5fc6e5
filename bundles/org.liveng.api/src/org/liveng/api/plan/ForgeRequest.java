package org.liveng.api.plan;

import java.nio.file.Path;

import org.liveng.api.Secret;
import org.liveng.api.recipe.Recipe;

/**
 * What to forge.
 *
 * @param iso the upstream live ISO
 * @param target the image file to create, or the block device to overwrite
 * @param recipe the settings
 * @param confirmedDevice for a block device: the device the user confirmed by name (its path as given, its {@code /dev} node or a
 *        {@code /dev/disk/by-id} name of it), else {@code null}; forge erases no device without it
 * @param allowFixedDisk whether a device the kernel does not flag as removable may be written
 * @param boundIdentity the {@link ImagePlan#targetIdentity()} of the plan the user saw and confirmed, or {@code null}; forge
 *        refuses a device whose identity is no longer this one
 * @param manifest where to write the manifest, or {@code null} for the default (beside an image file;
 *        {@code liveng-<device>.manifest.json} in the working directory for a device)
 * @param passphrase the persistence passphrase when the encryption needs one, else {@code null}
 * @param checksums the distro's {@code SHA256SUMS} file that must list the ISO (by file name) with its SHA-256, or {@code null}
 */
public record ForgeRequest(Path iso, Path target, Recipe recipe, String confirmedDevice, boolean allowFixedDisk,
        String boundIdentity, Path manifest, Secret passphrase, Path checksums) {

    /** An image file (or unconfirmed device) request with defaults for the rest. */
    public static ForgeRequest of(Path iso, Path target, Recipe recipe) {
        return new ForgeRequest(iso, target, recipe, null, false, null, null, null, null);
    }

    /** This request, with the device confirmed by the name the user typed or gave. */
    public ForgeRequest confirmed(String device, boolean allowFixed) {
        return new ForgeRequest(iso, target, recipe, device, allowFixed, boundIdentity, manifest, passphrase, checksums);
    }

    /** This request, bound to the device identity of a plan the user saw ({@link ImagePlan#targetIdentity()}). */
    public ForgeRequest boundTo(String identity) {
        return new ForgeRequest(iso, target, recipe, confirmedDevice, allowFixedDisk, identity, manifest, passphrase, checksums);
    }

    /** This request, with the manifest written to {@code file}. */
    public ForgeRequest manifestAt(Path file) {
        return new ForgeRequest(iso, target, recipe, confirmedDevice, allowFixedDisk, boundIdentity, file, passphrase, checksums);
    }

    /** This request, with the persistence passphrase. */
    public ForgeRequest withPassphrase(Secret secret) {
        return new ForgeRequest(iso, target, recipe, confirmedDevice, allowFixedDisk, boundIdentity, manifest, secret, checksums);
    }

    /** This request, with the ISO checked against the distro's {@code SHA256SUMS} file. */
    public ForgeRequest checkedAgainst(Path sums) {
        return new ForgeRequest(iso, target, recipe, confirmedDevice, allowFixedDisk, boundIdentity, manifest, passphrase, sums);
    }
}
