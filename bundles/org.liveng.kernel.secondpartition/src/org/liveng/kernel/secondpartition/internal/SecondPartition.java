package org.liveng.kernel.secondpartition.internal;

import java.util.List;
import java.util.Map;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.boot.BootEntry;
import org.liveng.api.boot.BootState;
import org.liveng.api.kernel.KernelImage;
import org.liveng.api.kernel.KernelUpdateStrategy;
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
 * the boot state never changes (the slot is always good). Not crash-safe by design: see the bundle's README.
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
        BootState state = stick.bootState();
        BootState good = new BootState(List.of(ID), Map.of(ID, new BootState.Slot(BootState.Status.GOOD, 0)));
        if (!good.equals(state)) {
            stick.writeBootState(good);
        }
        return good;
    }
}
