package org.liveng.core.internal.forge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.ProviderRegistry;
import org.liveng.api.kernel.KernelImage;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.RecipeSettings;

/**
 * Signing a kernel on the running stick: with the key folder forge placed at {@code /etc/liveng/keys}
 * ({@code agent.signing-key}) when it is there, else with the keys the stick's recipe names, as from the host. The root
 * is injectable so that tests need no running stick.
 */
public final class OnStickKeys {
    private OnStickKeys() {
    }

    /** The key settings that point at the stick's key folder under {@code root}, or none when it is not there. */
    public static Map<String, String> settings(Path root) {
        Path dir = root.resolve(SigningKeyPlacement.DIR);
        if (!Files.isDirectory(dir)) {
            return Map.of();
        }
        return Map.of(RecipeSettings.SIGNING_KEYS.name(), dir.toString(), RecipeSettings.SIGNING_MOK_KEY.name(), "",
                RecipeSettings.SIGNING_DB_KEY.name(), "", RecipeSettings.SIGNING_KEY_PASSPHRASE.name(), "none");
    }

    /**
     * The kernel as the stick's chain needs it. Without the stick's key folder an own-key chain's missing key says the
     * two ways to get it: forge with {@code agent.signing-key=true}, or update the kernel from the host. Any other failure
     * (a kernel that is no PE image, a key that cannot be read) is passed on as it is.
     */
    public static KernelImage signed(KernelImage kernel, Recipe stickRecipe, Path root, ProviderRegistry registry) throws LivengException {
        Map<String, String> settings = settings(root);
        try {
            return KernelUpdateService.signed(kernel, stickRecipe, settings, registry);
        } catch (LivengException e) {
            String signing = stickRecipe.get(RecipeSettings.SIGNING);
            if (!ErrorCodes.NOT_FOUND.equals(e.code()) || !settings.isEmpty() || !(signing.equals("mok") || signing.equals("custom-pk"))) {
                throw e;
            }
            throw new LivengException(e.code(), e.getMessage() + " (signing=" + signing + " signs every kernel with your "
                    + (signing.equals("mok") ? "MOK" : "db") + " key, and this stick has none at " + root.resolve(SigningKeyPlacement.DIR) + ")",
                    "forge the stick with " + RecipeSettings.AGENT_SIGNING_KEY.name() + "=true (and encrypted persistence) to keep the key on"
                            + " it, or update the kernel from the host: liveng kernel update --kernel VMLINUZ --initrd INITRD STICK"
                            + " signing.keys=DIR", e);
        }
    }
}
