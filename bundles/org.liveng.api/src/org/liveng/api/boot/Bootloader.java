package org.liveng.api.boot;

import org.liveng.api.LivengException;
import org.liveng.api.Provider;
import org.liveng.api.Support;
import org.liveng.api.recipe.Recipe;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The bootloader extension point (default {@code grub}): turns the boot menu
 * into the configuration and boot code for UEFI and BIOS.
 *
 * <p>Contract: {@link #render(BootMenu, Recipe)} is deterministic (same
 * inputs, same bytes) and writes nothing itself; the EFI executables of the
 * Secure Boot chain come from the {@link org.liveng.api.signing.SigningService},
 * not from here.
 */
@ConsumerType
public interface Bootloader extends Provider {

    /** Whether this bootloader can boot what the recipe asks for. */
    default Support supports(Recipe recipe) {
        return Support.yes();
    }

    /** The files and boot code for the given menu. */
    BootFiles render(BootMenu menu, Recipe recipe) throws LivengException;
}
