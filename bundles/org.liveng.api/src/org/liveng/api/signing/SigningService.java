package org.liveng.api.signing;

import org.liveng.api.LivengException;
import org.liveng.api.Provider;
import org.liveng.api.Support;
import org.liveng.api.recipe.Recipe;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The signing extension point: assembles the Secure Boot chain on the ESP
 * (default {@code shim-distro}: the distro's Microsoft-signed shim and
 * distro-signed GRUB and kernels, nothing signed by liveng; others: {@code mok},
 * {@code custom-pk}, {@code preloader}).
 *
 * <p>Contract: private keys are obtained through key references in the recipe
 * and never leave their source when it is a token; nothing is written outside
 * the returned {@link SignedChain}. The kernel update path calls
 * {@link #signKernel} for every new kernel.
 */
@ConsumerType
public interface SigningService extends Provider {

    default Support supports(Recipe recipe) {
        return Support.yes();
    }

    /**
     * Notes for the plan, shown before anything is written (e.g. that a chain is legacy and why);
     * lines starting with {@code warning:} are warnings. Empty by default.
     *
     * @since 0.2
     */
    default java.util.List<String> notes(Recipe recipe) throws LivengException {
        return java.util.List.of();
    }

    /** The chain for a new stick. */
    SignedChain assemble(ChainRequest request) throws LivengException;

    /**
     * A kernel image as this chain needs it on the stick: unchanged for
     * {@code shim-distro}, signed with the owner's key for {@code mok} and {@code custom-pk}.
     */
    default org.liveng.api.medium.Content signKernel(org.liveng.api.medium.Content kernel, Recipe recipe) throws LivengException {
        return kernel;
    }
}
