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
 * @param confirmedDevice for a block device: the device the user confirmed by name (must equal {@code target}), else {@code null}
 * @param passphrase the persistence passphrase when the encryption needs one, else {@code null}
 */
public record ForgeRequest(Path iso, Path target, Recipe recipe, String confirmedDevice, Secret passphrase) {
}
