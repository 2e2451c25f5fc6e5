package org.liveng.testing.boot;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.liveng.api.LivengException;
import org.liveng.api.Secret;
import org.liveng.api.plan.ForgeRequest;
import org.liveng.api.plan.ForgeResult;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.Progress;
import org.liveng.api.recipe.Recipe;

/**
 * Encrypted persistence in boot tests: sticks forged with one test passphrase, booted with the stick as the first virtio
 * disk (the persistence is its sixth partition, vda6), where live-boot asks for the passphrase on the serial console and
 * the fixture agent reports the mounted persistence.
 */
public final class LuksPersistence {
    /** The passphrase the boot tests forge encrypted persistence with. */
    public static final String PASSPHRASE = "liveng boot test";
    /** live-boot's passphrase prompt (cryptsetup's askpass) for the persistence partition. */
    public static final String PROMPT = "Please unlock disk /dev/vda6";
    /** The fixture agent's {@code persistence} marker when live-boot mounted the unlocked LUKS device. */
    public static final String MOUNTED = "mounted device=/dev/mapper/vda6";

    private LuksPersistence() {
    }

    /** {@code recipe} with key derivation costs a guest under TCG unlocks quickly: 32 MiB, one thread, 1000 iterations. */
    public static Recipe withCheapKdf(Recipe recipe) {
        return recipe.with("persistence.kdf-memory", "32M").with("persistence.kdf-parallel", "1").with("persistence.kdf-iterations", "1000");
    }

    /** Forges {@code request} (no progress output) with {@link #PASSPHRASE} for its persistence. */
    public static ForgeResult forge(ImageForge forge, ForgeRequest request) throws LivengException {
        try (Secret s = new Secret(PASSPHRASE.getBytes(StandardCharsets.UTF_8), "test")) {
            return forge.forge(request.withPassphrase(s), Progress.NONE);
        }
    }

    /** Waits for live-boot's passphrase prompt and types {@link #PASSPHRASE} on the serial console. */
    public static void unlock(Boot boot, Duration toPrompt) {
        boot.await(PROMPT, toPrompt);
        boot.send(PASSPHRASE + "\n");
    }
}
