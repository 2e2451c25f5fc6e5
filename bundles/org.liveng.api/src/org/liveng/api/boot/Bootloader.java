package org.liveng.api.boot;

import org.liveng.api.LivengException;
import org.liveng.api.Provider;
import org.liveng.api.Support;
import org.liveng.api.recipe.Recipe;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The bootloader extension point (default {@code grub}): turns the boot menu
 * into the configuration and boot code for UEFI and BIOS, and keeps the boot
 * state (which slot boots, tries left) in its own on-disk format.
 *
 * <p>Contract: {@link #render} is deterministic (same inputs, same bytes) and
 * writes nothing itself; the EFI executables of the Secure Boot chain come
 * from the {@link org.liveng.api.signing.SigningService}, not from here. The
 * state file has a fixed size, so that updating it rewrites the same sectors.
 */
@ConsumerType
public interface Bootloader extends Provider {

    /** Whether this bootloader can boot what the recipe asks for. */
    default Support supports(Recipe recipe) {
        return Support.yes();
    }

    /** The files and boot code for the given menu, with the given initial boot state. */
    BootFiles render(BootMenu menu, BootState state, BootTarget target, Recipe recipe) throws LivengException;

    /** The boot state file's bytes. */
    byte[] encodeState(BootState state) throws LivengException;

    /** Reads a boot state file written by {@link #encodeState} (or changed by the bootloader at boot). */
    BootState decodeState(byte[] file) throws LivengException;
}
