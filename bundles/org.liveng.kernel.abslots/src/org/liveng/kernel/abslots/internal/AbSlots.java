package org.liveng.kernel.abslots.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.boot.BootEntry;
import org.liveng.api.boot.BootState;
import org.liveng.api.boot.BootState.Status;
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
 * {@code ab-slots}: two kernel slots, boot counting, automatic fallback.
 *
 * <p>An update never touches the slot the boot state falls back to. Its steps, each finished (synced) before the next:
 * <ol>
 * <li>if the target slot is referenced as bootable (good or trial), the boot state first marks it {@code empty};</li>
 * <li>the target slot is written (fresh ISO 9660, its fixed UUID, manifest with generation = max + 1), synced and read
 * back;</li>
 * <li>the boot state makes it first in order as {@code trial} with {@code kernel.tries} tries, the last good slot
 * second.</li>
 * </ol>
 * Only steps 1 and 3 change what the bootloader picks, and each is one boot state write that the stick replaces old-or-new
 * ({@link StickAccess#writeBootState}); between them the target slot is never picked, so no crash leaves a half-written
 * slot as the one that boots.
 */
@Component(service = KernelUpdateStrategy.class, property = "liveng.id=ab-slots")
public final class AbSlots implements KernelUpdateStrategy {
    static final List<String> IDS = List.of("a", "b");

    @Override
    public String id() {
        return "ab-slots";
    }

    @Override
    public String description() {
        return "two kernel slots (A/B) with boot counting and automatic fallback";
    }

    static String partitionName(String id) {
        return "LIVENG_KERNEL_" + id.toUpperCase(Locale.ROOT);
    }

    @Override
    public List<SlotSpec> slots(Recipe recipe) {
        long size = Sizes.parse(recipe.get(RecipeSettings.SLOT_SIZE));
        if (size <= 0) {
            throw new IllegalArgumentException("kernel.slot-size is not a size: " + recipe.get(RecipeSettings.SLOT_SIZE));
        }
        return IDS.stream().map(id -> new SlotSpec(partitionName(id), size, partitionName(id),
                Reproducible.isoUuid(recipe, "kernel-slot-" + id))).toList();
    }

    @Override
    public List<BootEntry> bootEntries(Recipe recipe, List<String> baseArgs) {
        List<SlotSpec> slots = slots(recipe);
        List<BootEntry> out = new ArrayList<>();
        for (int i = 0; i < IDS.size(); i++) {
            String id = IDS.get(i);
            out.add(new BootEntry(id, "liveng: kernel slot " + id.toUpperCase(Locale.ROOT), slots.get(i).uuid(), SlotFiles.KERNEL,
                    SlotFiles.INITRD, baseArgs, true));
        }
        return out;
    }

    @Override
    public UpdateResult install(StickAccess stick, KernelImage kernel, Recipe recipe) throws LivengException {
        SlotSpec a = slots(recipe).get(0);
        SlotFiles.write(stick, a, IDS.get(0), kernel, 1, recipe);
        return new UpdateResult(a.name(), kernel.version(), 1, a.name());
    }

    @Override
    public UpdateResult update(StickAccess stick, KernelImage kernel, boolean allowDowngrade, Recipe recipe) throws LivengException {
        int tries = tries(recipe);
        List<SlotSpec> specs = slots(recipe);
        BootState state = stick.bootState();
        List<SlotInfo> infos = new ArrayList<>();
        for (int i = 0; i < IDS.size(); i++) {
            infos.add(SlotFiles.manifest(stick, specs.get(i), IDS.get(i)));
        }
        String good = lastGood(state, infos);
        String target = IDS.stream().filter(id -> !id.equals(good)).findFirst().orElseThrow();
        if (good != null) {
            SlotInfo g = infos.get(IDS.indexOf(good));
            if (!allowDowngrade && KernelVersions.compare(kernel.version(), g.version()) < 0) {
                throw new LivengException(ErrorCodes.PREFLIGHT, "kernel " + kernel.version() + " is older than " + g.version() + " in "
                        + g.partition() + "; nothing was written", "pass --allow-downgrade to install it anyway");
            }
        }
        long generation = infos.stream().mapToLong(SlotInfo::generation).max().orElse(0) + 1;
        Status targetStatus = status(state, target);
        if (targetStatus == Status.GOOD || targetStatus == Status.TRIAL) {
            stick.writeBootState(with(state, target, Status.EMPTY, 0, false, good));
            state = stick.bootState();
        }
        SlotSpec spec = specs.get(IDS.indexOf(target));
        SlotFiles.write(stick, spec, target, kernel, generation, recipe, true);
        stick.writeBootState(with(state, target, Status.TRIAL, tries, true, good));
        return new UpdateResult(spec.name(), kernel.version(), generation, spec.name());
    }

    @Override
    public List<SlotInfo> status(StickAccess stick, Recipe recipe) throws LivengException {
        List<SlotSpec> specs = slots(recipe);
        List<SlotInfo> out = new ArrayList<>();
        for (int i = 0; i < IDS.size(); i++) {
            out.add(SlotFiles.read(stick, specs.get(i), IDS.get(i)));
        }
        return out;
    }

    @Override
    public BootState bless(StickAccess stick, String slotId, Recipe recipe) throws LivengException {
        if (!IDS.contains(slotId)) {
            throw new LivengException(ErrorCodes.USAGE, "no kernel slot '" + slotId + "'; ab-slots has " + String.join(", ", IDS));
        }
        BootState state = stick.bootState();
        Status s = status(state, slotId);
        if (s == Status.GOOD) {
            return state;
        }
        if (s != Status.TRIAL) {
            throw new LivengException(ErrorCodes.PREFLIGHT, "kernel slot " + slotId + " is " + s.name().toLowerCase(Locale.ROOT)
                    + ", not on trial: it cannot have booted from this state", "install a kernel into it first");
        }
        BootState blessed = with(state, slotId, Status.GOOD, 0, false, null);
        stick.writeBootState(blessed);
        return blessed;
    }

    /**
     * Nothing to repair: an update never writes the slot the boot state falls back to, and a slot that does not come up
     * uses up its tries, turns bad and GRUB boots the last good slot (the ISO's kernel last) by itself.
     */
    @Override
    public RepairResult repair(StickAccess stick, InstalledKernels installed, Recipe recipe) {
        return new RepairResult(id(), "", false, "", 0, "ab-slots repairs itself through GRUB's fallback: an update never writes "
                + "the slot the boot state falls back to, and a slot that does not boot uses up its tries and GRUB starts the last "
                + "good slot; nothing to repair, nothing was written");
    }

    /** The first good slot in boot order whose filesystem and manifest read, or null. */
    static String lastGood(BootState state, List<SlotInfo> infos) {
        for (String id : state.order()) {
            int i = IDS.indexOf(id);
            if (i >= 0 && status(state, id) == Status.GOOD && infos.get(i).valid()) {
                return id;
            }
        }
        return null;
    }

    private static Status status(BootState state, String id) {
        BootState.Slot s = state.slots().get(id);
        return s == null ? Status.EMPTY : s.status();
    }

    /**
     * The state with one slot changed; with {@code first}, that slot moves to the front of the order and {@code good} (if
     * any) right behind it.
     */
    static BootState with(BootState state, String id, Status status, int tries, boolean first, String good) {
        Map<String, BootState.Slot> slots = new LinkedHashMap<>();
        for (String x : IDS) {
            slots.put(x, state.slots().getOrDefault(x, new BootState.Slot(Status.EMPTY, 0)));
        }
        slots.put(id, new BootState.Slot(status, tries));
        List<String> order = new ArrayList<>();
        if (first) {
            order.add(id);
            if (good != null) {
                order.add(good);
            }
        }
        for (String x : state.order().isEmpty() ? IDS : state.order()) {
            if (!order.contains(x) && IDS.contains(x)) {
                order.add(x);
            }
        }
        for (String x : IDS) {
            if (!order.contains(x)) {
                order.add(x);
            }
        }
        return new BootState(order, slots);
    }

    static int tries(Recipe recipe) throws LivengException {
        String v = recipe.get(RecipeSettings.KERNEL_TRIES);
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > 9) {
            throw new LivengException(ErrorCodes.USAGE, "kernel.tries=" + v + " is not a number from 1 to 9", RecipeSettings.KERNEL_TRIES.help());
        }
        return n;
    }
}
