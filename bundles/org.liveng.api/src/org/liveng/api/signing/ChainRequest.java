package org.liveng.api.signing;

import java.util.Map;

import org.liveng.api.medium.Content;
import org.liveng.api.recipe.Recipe;

/**
 * The inputs for assembling a Secure Boot chain.
 *
 * @param recipe the image recipe (keys, options)
 * @param distroBinaries the distro's EFI binaries by role: {@code shim}, {@code grub}, {@code mokmanager}
 * @param kernels kernel images by kernel version, as they will be placed in the slots
 */
public record ChainRequest(Recipe recipe, Map<String, Content> distroBinaries, Map<String, Content> kernels) {
    public ChainRequest {
        distroBinaries = Map.copyOf(distroBinaries);
        kernels = Map.copyOf(kernels);
    }
}
