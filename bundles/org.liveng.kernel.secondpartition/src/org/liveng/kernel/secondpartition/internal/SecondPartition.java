package org.liveng.kernel.secondpartition.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.boot.BootEntry;
import org.liveng.api.boot.BootState;
import org.liveng.api.kernel.InstalledKernels;
import org.liveng.api.kernel.KernelImage;
import org.liveng.api.kernel.KernelUpdateStrategy;
import org.liveng.api.kernel.RepairResult;
import org.liveng.api.kernel.SlotInfo;
import org.liveng.api.kernel.SlotSpec;
import org.liveng.api.kernel.StickAccess;
import org.liveng.api.kernel.UpdateResult;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.RecipeSettings;
import org.liveng.api.recipe.Reproducible;
import org.liveng.api.recipe.Sizes;
import org.liveng.kernel.slots.KernelVersions;
import org.liveng.kernel.slots.SlotFiles;
import org.osgi.service.component.annotations.Component;

/**
 * {@code second-partition}: the original liveng strategy. One kernel partition, rewritten in place with the same UUID;
 * the boot state never changes (the slot is always good). Not crash-safe by design: see the bundle's README. A boot from
 * the fallback entry runs {@link #repair}, which writes the partition again from the installed kernel.
 */
@Component(service = KernelUpdateStrategy.class, property = "liveng.id=second-partition")
public final class SecondPartition implements KernelUpdateStrategy {
    static final String ID = "k";
    static final String PARTITION = "LIVENG_KERNEL";

    @Override
    public String id() {
        return "second-partition";
    }

    @Override
    public String description() {
        return "one kernel partition rewritten in place (the original liveng layout; not crash-safe)";
    }

    @Override
    public List<SlotSpec> slots(Recipe recipe) {
        long size = Sizes.parse(recipe.get(RecipeSettings.SLOT_SIZE));
        if (size <= 0) {
            throw new IllegalArgumentException("kernel.slot-size is not a size: " + recipe.get(RecipeSettings.SLOT_SIZE));
        }
        return List.of(new SlotSpec(PARTITION, size, PARTITION, Reproducible.isoUuid(recipe, "kernel-partition")));
    }

    @Override
    public List<BootEntry> bootEntries(Recipe recipe, List<String> baseArgs) {
        return List.of(new BootEntry(ID, "liveng: kernel", slots(recipe).get(0).uuid(), SlotFiles.KERNEL, SlotFiles.INITRD, baseArgs, true));
    }

    @Override
    public UpdateResult install(StickAccess stick, KernelImage kernel, Recipe recipe) throws LivengException {
        SlotFiles.write(stick, slots(recipe).get(0), ID, kernel, 1, recipe);
        return new UpdateResult(PARTITION, kernel.version(), 1, PARTITION);
    }

    @Override
    public UpdateResult update(StickAccess stick, KernelImage kernel, boolean allowDowngrade, Recipe recipe) throws LivengException {
        SlotInfo now = SlotFiles.manifest(stick, slots(recipe).get(0), ID);
        if (now.valid() && !allowDowngrade && KernelVersions.compare(kernel.version(), now.version()) < 0) {
            throw new LivengException(ErrorCodes.PREFLIGHT, "kernel " + kernel.version() + " is older than " + now.version() + " in "
                    + PARTITION + "; nothing was written", "pass --allow-downgrade to install it anyway");
        }
        long generation = now.generation() + 1;
        SlotFiles.write(stick, slots(recipe).get(0), ID, kernel, generation, recipe, true);
        return new UpdateResult(PARTITION, kernel.version(), generation, PARTITION);
    }

    @Override
    public List<SlotInfo> status(StickAccess stick, Recipe recipe) throws LivengException {
        return List.of(SlotFiles.read(stick, slots(recipe).get(0), ID));
    }

    @Override
    public BootState bless(StickAccess stick, String slotId, Recipe recipe) throws LivengException {
        if (!ID.equals(slotId)) {
            throw new LivengException(ErrorCodes.USAGE, "no kernel slot '" + slotId + "'; second-partition has only " + ID);
        }
        return makeGood(stick);
    }

    /** The only boot state this strategy has: its one slot good, first. Written only when the stick has another. */
    private static BootState makeGood(StickAccess stick) throws LivengException {
        BootState good = new BootState(List.of(ID), Map.of(ID, new BootState.Slot(BootState.Status.GOOD, 0)));
        if (!good.equals(stick.bootState())) {
            stick.writeBootState(good);
        }
        return good;
    }

    /**
     * Rewrites the kernel partition in place (same UUID, same slot writer as {@link #update}, read back) when it does not
     * hold a valid slot: with the kernel release its manifest records, or the newest installed kernel (dpkg's version
     * order) when the manifest does not read; the generation and where the modules are stay as recorded. A valid
     * partition is not touched.
     */
    @Override
    public RepairResult repair(StickAccess stick, InstalledKernels installed, Recipe recipe) throws LivengException {
        SlotSpec slot = slots(recipe).get(0);
        SlotInfo now = SlotFiles.read(stick, slot, ID);
        if (now.valid()) {
            return new RepairResult(id(), PARTITION, false, now.version(), now.generation(), PARTITION + " holds a valid kernel ("
                    + now.version() + ", generation " + now.generation() + "): nothing to repair, nothing was written");
        }
        String damage = "cannot repair " + PARTITION + " (" + now.problem() + "): ";
        Optional<SlotFiles.Manifest> record = SlotFiles.recorded(stick, slot);
        String release;
        String why;
        if (record.isPresent()) {
            release = record.get().kernel();
            why = "the release its manifest records";
        } else {
            release = installed.releases().stream().max(KernelVersions.ORDER).orElseThrow(() -> new LivengException(ErrorCodes.NOT_FOUND,
                    damage + "its manifest does not read and no kernel is installed in " + installed.describe() + " (no vmlinuz-*)",
                    "boot the fallback entry with the persistence the kernel was installed into (or install a kernel package), "
                            + "then run liveng kernel repair again"));
            why = "the newest installed, its manifest does not read";
        }
        KernelImage kernel;
        try {
            kernel = installed.kernel(release);
        } catch (LivengException e) {
            throw new LivengException(e.code(), damage + e.getMessage(), e.hint(), e);
        }
        long generation = record.map(SlotFiles.Manifest::generation).filter(g -> g > 0).orElse(1L);
        // a manifest without modules is an older liveng's, whose only kernel was the ISO's (modules in the system)
        boolean inPersistence = record.map(m -> m.modules() != null && !SlotFiles.MODULES_SYSTEM.equals(m.modules())).orElse(true);
        SlotFiles.write(stick, slot, ID, kernel, generation, recipe, inPersistence);
        makeGood(stick);
        return new RepairResult(id(), PARTITION, true, release, generation, PARTITION + " did not hold a valid kernel (" + now.problem()
                + "); rewritten in place with kernel " + release + " (" + why + ") from " + installed.describe() + ", generation "
                + generation + ", read back valid; the next boot starts it");
    }
}
