package org.liveng.api.kernel;

import java.util.List;

import org.liveng.api.LivengException;
import org.liveng.api.Provider;
import org.liveng.api.Support;
import org.liveng.api.boot.BootEntry;
import org.liveng.api.boot.BootState;
import org.liveng.api.recipe.Recipe;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The kernel update strategy extension point (default {@code ab-slots};
 * {@code second-partition} is the original liveng single-slot rewrite).
 *
 * <p>Contract: {@link #update} never leaves the stick without a bootable
 * kernel the boot menu reaches without user action, when the strategy
 * promises so; it verifies what it wrote by reading it back before it makes
 * it the boot default, and refuses downgrades unless the request allows them.
 */
@ConsumerType
public interface KernelUpdateStrategy extends Provider {

    default Support supports(Recipe recipe) {
        return Support.yes();
    }

    /** The kernel partitions this strategy needs, in on-disk order. */
    List<SlotSpec> slots(Recipe recipe);

    /**
     * The boot menu entries for the kernel slots, best first (the bootloader
     * appends the fallback entry booting the original ISO kernel).
     *
     * @param baseArgs the kernel arguments every live entry needs
     */
    List<BootEntry> bootEntries(Recipe recipe, List<String> baseArgs);

    /** Puts the first kernel on a freshly forged stick. */
    UpdateResult install(StickAccess stick, KernelImage kernel, Recipe recipe) throws LivengException;

    /** Puts a new kernel on a stick that is in use. */
    UpdateResult update(StickAccess stick, KernelImage kernel, boolean allowDowngrade, Recipe recipe) throws LivengException;

    /** What each kernel slot holds, read back and checked against its manifest, in {@link #slots} order. */
    List<SlotInfo> status(StickAccess stick, Recipe recipe) throws LivengException;

    /**
     * Marks a slot that booted as good (the bless service calls it once the system came up). A slot already good stays
     * so; a slot that is neither on trial nor good is refused.
     *
     * @param slotId the slot's boot entry id, e.g. {@code b}
     * @return the boot state now on the stick
     */
    BootState bless(StickAccess stick, String slotId, Recipe recipe) throws LivengException;

    /**
     * Repairs the stick's kernel slots after a boot from the fallback entry (an update was cut short): a slot the menu
     * boots by default that does not hold a valid kernel is written again from the installed kernels, read back, and
     * the boot state left so that the next normal boot starts it. A valid slot is left untouched. Strategies that never
     * leave the default entry broken need no repair: they say why and write nothing (the default).
     *
     * @param installed where the kernel the slot must hold again is taken from
     * @since 0.5
     */
    default RepairResult repair(StickAccess stick, InstalledKernels installed, Recipe recipe) throws LivengException {
        return new RepairResult(id(), "", false, "", 0, id() + " has no boot-time repair; nothing was written");
    }
}
