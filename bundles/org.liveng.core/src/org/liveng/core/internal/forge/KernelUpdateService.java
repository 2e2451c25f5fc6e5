package org.liveng.core.internal.forge;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.ProviderRegistry;
import org.liveng.api.boot.BootState;
import org.liveng.api.boot.Bootloader;
import org.liveng.api.distro.BaseDistro;
import org.liveng.api.kernel.SlotSpec;
import org.liveng.api.kernel.KernelImage;
import org.liveng.api.kernel.KernelUpdateStrategy;
import org.liveng.api.kernel.KernelUpdates;
import org.liveng.api.kernel.RepairResult;
import org.liveng.api.kernel.StickStatus;
import org.liveng.api.kernel.UpdateResult;
import org.liveng.api.medium.Content;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.RecipeSettings;
import org.liveng.api.signing.SigningService;
import org.liveng.format.gpt.GptReadResult;
import org.liveng.format.gpt.GptReader;
import org.liveng.platform.blockdev.BlockDevice;
import org.liveng.platform.blockdev.BlockDevices;
import org.liveng.platform.posix.NativeCalls;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;

/**
 * Host-side kernel updates: opens the stick (GPT, partitions by name), reads the recipe it was forged with from
 * {@code /liveng/plan.json} on its ESP, and hands over to that recipe's kernel update strategy. A device is refused when
 * it is in use (mounted, swap, held, busy, read-only), by the same rules as forge, and held exclusively while written.
 */
@Component(service = KernelUpdates.class)
public final class KernelUpdateService implements KernelUpdates {
    static final String PLAN = "/liveng/plan.json";
    private final ProviderRegistry registry;
    private final NativeCalls nativeCalls;
    private final BlockDevices devices;
    private final RunningStickLocator locator;
    /** The root of the running system, where {@code etc/liveng/keys} is looked for ({@code /} but in tests). */
    private final Path systemRoot;

    @Activate
    public KernelUpdateService(@Reference ProviderRegistry registry, @Reference NativeCalls nativeCalls) {
        this(registry, nativeCalls, new BlockDevices(nativeCalls), new RunningStickLocator(Path.of("/sys"), Path.of("/dev")));
    }

    KernelUpdateService(ProviderRegistry registry, NativeCalls nativeCalls, BlockDevices devices, RunningStickLocator locator) {
        this(registry, nativeCalls, devices, locator, Path.of("/"));
    }

    KernelUpdateService(ProviderRegistry registry, NativeCalls nativeCalls, BlockDevices devices, RunningStickLocator locator,
            Path systemRoot) {
        this.systemRoot = systemRoot;
        this.registry = registry;
        this.nativeCalls = nativeCalls;
        this.devices = devices;
        this.locator = locator;
    }

    @Override
    public StickStatus status(Path target) throws LivengException {
        try (Opened o = open(target, false)) {
            return new StickStatus(target.toString(), o.strategy().id(), o.strategy().status(o.stick(), o.recipe()), o.stick().bootState());
        }
    }

    @Override
    public UpdateResult update(Path target, KernelImage kernel, boolean allowDowngrade) throws LivengException {
        return update(target, kernel, allowDowngrade, Map.of());
    }

    @Override
    public UpdateResult update(Path target, KernelImage kernel, boolean allowDowngrade, Map<String, String> keySettings)
            throws LivengException {
        try (Opened o = open(target, true)) {
            KernelImage signed = signed(kernel, o.recipe(), keySettings, registry);
            return o.strategy().update(o.stick(), signed, allowDowngrade, o.recipe());
        }
    }

    @Override
    public Path runningStick() throws LivengException {
        return locator.disk();
    }

    @Override
    public UpdateResult updateRunning(KernelImage kernel, boolean allowDowngrade) throws LivengException {
        try (Opened o = openRunning()) {
            if (!o.recipe().get(RecipeSettings.PERSISTENCE_ENCRYPTION).equals("none")) {
                requireEncryptionReady(kernel, ForgeEngine.distro(registry, o.recipe()));
            }
            return o.strategy().update(o.stick(), OnStickKeys.signed(kernel, o.recipe(), systemRoot, registry), allowDowngrade, o.recipe());
        }
    }

    /**
     * Refuses an initrd that cannot unlock a stick's encrypted persistence, as the stick's base distro analyses it
     * (live-boot, cryptsetup, dm-crypt): live-boot would silently boot without persistence, and the kernel modules of the
     * new kernel live there.
     */
    public static void requireEncryptionReady(KernelImage kernel, BaseDistro distro) throws LivengException {
        List<String> missing = distro.analyzeInitrd(kernel.initrd(), kernel.version()).missingForEncryption();
        if (!missing.isEmpty()) {
            throw new LivengException(ErrorCodes.PREFLIGHT, "the initrd " + kernel.initrd().describe() + " for " + kernel.version()
                    + " cannot unlock encrypted persistence (missing: " + String.join(", ", missing)
                    + "): with it the stick would boot WITHOUT its encrypted persistence; nothing was written",
                    "install cryptsetup-initramfs (CRYPTSETUP=y in /etc/cryptsetup-initramfs/conf-hook), keep dm-crypt in the initrd"
                            + " (MODULES=most in /etc/initramfs-tools/initramfs.conf) and run liveng kernel install again");
        }
    }

    @Override
    public BootState blessRunning(String slotId) throws LivengException {
        try (Opened o = openRunning()) {
            BootState state = o.stick().bootState();
            BootState.Slot s = state.slots().get(slotId);
            if (s != null && s.status() == BootState.Status.GOOD) {
                return state;
            }
            return o.strategy().bless(o.stick(), slotId, o.recipe());
        }
    }

    @Override
    public RepairResult repair(Path target, Path root, Map<String, String> keySettings) throws LivengException {
        try (Opened o = open(target, true)) {
            return o.strategy().repair(o.stick(), new RootKernels(root, k -> signed(k, o.recipe(), keySettings, registry)), o.recipe());
        }
    }

    @Override
    public RepairResult repairRunning(Path root) throws LivengException {
        try (Opened o = openRunning()) {
            boolean encrypted = !o.recipe().get(RecipeSettings.PERSISTENCE_ENCRYPTION).equals("none");
            return o.strategy().repair(o.stick(), new RootKernels(root, k -> {
                if (encrypted) {
                    requireEncryptionReady(k, ForgeEngine.distro(registry, o.recipe()));
                }
                return OnStickKeys.signed(k, o.recipe(), systemRoot, registry);
            }), o.recipe());
        }
    }

    /**
     * Opens the running stick for writing: it is in use by design, so instead of forge's rules it must pass
     * {@link RunningStickSafety} for the partitions its strategy writes (kernel slots and ESP).
     */
    Opened openRunning() throws LivengException {
        Path disk = locator.disk();
        BlockDevice d = devices.probe(disk);
        Map<String, String> names = locator.partitionNames(d.kernelName());
        FileChannel ch = null;
        try {
            ch = FileChannel.open(disk, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Opened o = open(ch, disk.toString(), registry, null);
            Set<String> writable = new HashSet<>();
            for (SlotSpec s : o.strategy().slots(o.recipe())) {
                writable.add(s.name());
            }
            writable.add(ForgeEngine.EFI);
            List<String> unsafe = RunningStickSafety.refusals(d, names, writable);
            if (!unsafe.isEmpty()) {
                throw new LivengException(ErrorCodes.PREFLIGHT, "refusing to write the running stick " + disk + ":\n  - "
                        + String.join("\n  - ", unsafe), "nothing was written");
            }
            ch = null;
            return o;
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "opening " + disk + " failed: " + e.getMessage(), null, e);
        } finally {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException e) {
                    // the original failure is what gets reported
                }
            }
        }
    }

    /** The settings a host may give for re-signing: where the keys are, never which chain the stick uses. */
    static final List<String> KEY_SETTINGS = List.of(RecipeSettings.SIGNING_KEYS.name(), RecipeSettings.SIGNING_MOK_KEY.name(),
            RecipeSettings.SIGNING_DB_KEY.name(), RecipeSettings.SIGNING_KEY_PASSPHRASE.name());

    /**
     * The kernel as the stick's chain needs it, signed before anything is written: a missing or locked key fails the
     * update while the stick is untouched.
     */
    static KernelImage signed(KernelImage kernel, Recipe stickRecipe, Map<String, String> keySettings, ProviderRegistry registry)
            throws LivengException {
        Recipe recipe = stickRecipe;
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(keySettings).entrySet()) {
            if (!KEY_SETTINGS.contains(e.getKey())) {
                throw new LivengException(ErrorCodes.USAGE, "kernel update takes only key locations as settings, not " + e.getKey(),
                        "allowed: " + String.join(", ", KEY_SETTINGS) + "; the stick keeps the chain it was forged with");
            }
            recipe = recipe.with(e.getKey(), e.getValue());
        }
        SigningService signing = registry.select(SigningService.class, recipe.get(RecipeSettings.SIGNING));
        Content k = signing.signKernel(kernel.kernel(), recipe);
        return k == kernel.kernel() ? kernel : new KernelImage(kernel.version(), k, kernel.initrd());
    }

    /** An opened stick with the recipe and providers it was forged with. */
    public record Opened(ImageStick stick, Recipe recipe, KernelUpdateStrategy strategy, FileChannel channel, AutoCloseable claim)
            implements AutoCloseable {
        @Override
        public void close() throws LivengException {
            try {
                channel.close();
                if (claim != null) {
                    claim.close();
                }
            } catch (Exception e) {
                throw new LivengException(ErrorCodes.IO, "closing the stick failed: " + e.getMessage(), null, e);
            }
        }
    }

    Opened open(Path target, boolean write) throws LivengException {
        AutoCloseable claim = null;
        if (BlockDevices.isBlockDevice(target)) {
            BlockDevice d = devices.probe(target);
            List<String> unsafe = DeviceSafety.refusals(d, 0, true);
            if (!unsafe.isEmpty()) {
                throw new LivengException(ErrorCodes.PREFLIGHT, "refusing to open " + target + ":\n  - " + String.join("\n  - ", unsafe),
                        "nothing was written");
            }
            if (write) {
                claim = nativeCalls.claimExclusively(d.devicePath());
            }
        } else if (!Files.isRegularFile(target)) {
            throw new LivengException(ErrorCodes.NOT_FOUND, target + " is neither a forged image file nor a block device",
                    "give the image file or the stick's whole-disk device");
        }
        FileChannel ch = null;
        try {
            ch = write ? FileChannel.open(target, StandardOpenOption.READ, StandardOpenOption.WRITE) : FileChannel.open(target, StandardOpenOption.READ);
            Opened o = open(ch, target.toString(), registry, claim);
            ch = null;
            return o;
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "opening " + target + " failed: " + e.getMessage(), null, e);
        } finally {
            if (ch != null) {
                try {
                    ch.close();
                    if (claim != null) {
                        claim.close();
                    }
                } catch (Exception e) {
                    // the original failure is what gets reported
                }
            }
        }
    }

    /** Opens a stick over a channel (an image file, a device, or a test's fault-injecting channel). */
    public static Opened open(FileChannel ch, String source, ProviderRegistry registry, AutoCloseable claim)
            throws LivengException, IOException {
        GptReadResult gpt;
        try {
            gpt = GptReader.read(ch, 512);
        } catch (org.liveng.api.FormatException e) {
            throw new LivengException(ErrorCodes.FORMAT, source + " has no readable GPT: " + e.getMessage(), "is it a forged liveng stick?");
        }
        if (gpt.hasErrors()) {
            throw new LivengException(ErrorCodes.FORMAT, source + " has no readable GPT:\n" + gpt.toReport(), "is it a forged liveng stick?");
        }
        ImageStick probe = new ImageStick(ch, gpt.disk(), null, ForgeEngine.STATE_PATH);
        byte[] planBytes = probe.readEspFile(PLAN).orElseThrow(() -> new LivengException(ErrorCodes.NOT_FOUND, source
                + " has no " + PLAN + " on its ESP", "only sticks forged by liveng can be updated"));
        Recipe recipe = recipe(planBytes, source);
        KernelUpdateStrategy strategy = registry.select(KernelUpdateStrategy.class, recipe.get(RecipeSettings.KERNEL_STRATEGY));
        Bootloader bootloader = registry.select(Bootloader.class, recipe.get(RecipeSettings.BOOTLOADER));
        return new Opened(new ImageStick(ch, gpt.disk(), bootloader, ForgeEngine.STATE_PATH), recipe, strategy, ch, claim);
    }

    static Recipe recipe(byte[] plan, String source) throws LivengException {
        try {
            JsonObject o = new Gson().fromJson(new String(plan, StandardCharsets.UTF_8), JsonObject.class);
            JsonObject r = o == null ? null : o.getAsJsonObject("recipe");
            if (r == null) {
                throw new LivengException(ErrorCodes.FORMAT, source + ": " + PLAN + " has no recipe (forged by an older liveng)",
                        "forge the stick again to update its kernel");
            }
            Map<String, String> values = new java.util.TreeMap<>();
            for (var e : r.entrySet()) {
                values.put(e.getKey(), e.getValue().getAsString());
            }
            return new Recipe(values);
        } catch (JsonParseException | IllegalStateException | ClassCastException | UnsupportedOperationException e) {
            throw new LivengException(ErrorCodes.FORMAT, source + ": " + PLAN + " is not a liveng plan: " + e.getMessage());
        }
    }
}
