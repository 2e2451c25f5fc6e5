package org.liveng.core.internal.forge;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.ProviderRegistry;
import org.liveng.api.Support;
import org.liveng.api.boot.BootEntry;
import org.liveng.api.boot.BootFiles;
import org.liveng.api.boot.BootMenu;
import org.liveng.api.boot.BootState;
import org.liveng.api.boot.BootTarget;
import org.liveng.api.boot.Bootloader;
import org.liveng.api.crypt.PersistenceEncryption;
import org.liveng.api.crypt.PersistenceRequest;
import org.liveng.api.crypt.PersistenceResult;
import org.liveng.api.distro.BaseDistro;
import org.liveng.api.distro.DistroInfo;
import org.liveng.api.distro.KernelInfo;
import org.liveng.api.initrd.AugmentedInitrd;
import org.liveng.api.kernel.KernelImage;
import org.liveng.api.kernel.KernelUpdateStrategy;
import org.liveng.api.kernel.SlotSpec;
import org.liveng.api.medium.Content;
import org.liveng.api.medium.FileSpec;
import org.liveng.api.medium.Medium;
import org.liveng.api.plan.ForgeRequest;
import org.liveng.api.plan.ForgeResult;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.ImagePlan;
import org.liveng.api.plan.PartitionPlan;
import org.liveng.api.plan.Progress;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.RecipeSettings;
import org.liveng.api.recipe.Reproducible;
import org.liveng.api.recipe.Sizes;
import org.liveng.api.signing.ChainRequest;
import org.liveng.api.signing.SignedChain;
import org.liveng.api.signing.SigningService;
import org.liveng.core.internal.IsoFiles;
import org.liveng.format.fat.FatOptions;
import org.liveng.format.fat.FatReader;
import org.liveng.format.fat.FatWriter;
import org.liveng.format.gpt.GptAttributes;
import org.liveng.format.gpt.GptDisk;
import org.liveng.format.gpt.GptLayoutBuilder;
import org.liveng.format.gpt.GptPartition;
import org.liveng.format.gpt.GptWriter;
import org.liveng.format.gpt.Guid;
import org.liveng.format.gpt.PartitionTypes;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ProcessRunner;
import org.liveng.platform.blockdev.BlockDevice;
import org.liveng.platform.blockdev.BlockDevices;
import org.liveng.platform.posix.NativeCalls;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Forge: upstream live ISO to liveng image file. Plan (pure, printable),
 * preflight (before the first byte), execute, verify by reading back,
 * manifest. A failure removes the half-written image.
 */
@Component(service = ImageForge.class)
public final class ForgeEngine implements ImageForge {
    static final String SYSTEM = "LIVENG_SYSTEM";
    static final String EFI = "LIVENG_EFI";
    static final String BIOS = "BIOS boot";
    static final String PERSISTENCE = "persistence";
    static final long MIB = 1L << 20;
    static final String STATE_PATH = "/liveng/grubenv";
    /** The kernel argument naming the slot a slot entry boots, read back from /proc/cmdline on the stick. */
    public static final String SLOT_ARG = "liveng.slot";

    /** The smallest persistence partition a device plan leaves room for when it fills the device. */
    static final long MIN_PERSISTENCE = 64 * MIB;

    private final ProviderRegistry registry;
    private final ProcessRunner runner;
    private final NativeCalls nativeCalls;
    private final BlockDevices devices;

    @Activate
    public ForgeEngine(@Reference ProviderRegistry registry, @Reference ProcessRunner runner, @Reference NativeCalls nativeCalls) {
        this.registry = registry;
        this.runner = runner;
        this.nativeCalls = nativeCalls;
        this.devices = new BlockDevices(nativeCalls);
    }

    /** Everything decided before writing. */
    record Prepared(ImagePlan plan, GptDisk disk, DistroInfo info, Recipe recipe, KernelUpdateStrategy strategy,
            Bootloader bootloader, SigningService signing, PersistenceEncryption crypt, List<SlotSpec> slots,
            BootMenu menu, long espSerial, BlockDevice device, String expectedSha256, String systemUuid, long systemBytes,
            AgentPlacement.Decision agent, SigningKeyPlacement.Key stickKey) {
    }

    @Override
    public ImagePlan plan(ForgeRequest request) throws LivengException {
        return prepare(request).plan();
    }

    Prepared prepare(ForgeRequest request) throws LivengException {
        Recipe recipe = request.recipe();
        if (recipe.get(RecipeSettings.SEED).isEmpty()) {
            recipe = recipe.with(RecipeSettings.SEED.name(), HexFormat.of().formatHex(Guid.random().toBytes()));
        }
        BlockDevice device = BlockDevices.isBlockDevice(request.target()) ? devices.probe(request.target()) : null;
        if (device == null) {
            checkTarget(request.target());
        }
        String mode = recipe.get(RecipeSettings.SYSTEM_MODE);
        if (!mode.equals("copy") && !mode.equals("remaster")) {
            throw new LivengException(ErrorCodes.USAGE, "system.mode=" + mode + " is neither copy nor remaster", RecipeSettings.SYSTEM_MODE.help());
        }
        boolean remaster = mode.equals("remaster");
        String systemUuid;
        long systemBytes;
        DistroInfo info;
        List<String> isoArgs;
        try (Medium medium = IsoFiles.open(request.iso())) {
            info = distro(registry, recipe).inspect(medium);
            isoArgs = IsoBootArgs.read(medium);
            systemUuid = remaster ? Reproducible.isoUuid(recipe, "system") : info.volumeUuid();
            systemBytes = remaster ? Remaster.writer(medium, info, recipe, systemUuid).size() : info.size();
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, request.iso() + ": " + e.getMessage(), null, e);
        }
        KernelUpdateStrategy strategy = registry.select(KernelUpdateStrategy.class, recipe.get(RecipeSettings.KERNEL_STRATEGY));
        Bootloader bootloader = registry.select(Bootloader.class, recipe.get(RecipeSettings.BOOTLOADER));
        SigningService signing = registry.select(SigningService.class, recipe.get(RecipeSettings.SIGNING));
        PersistenceEncryption crypt = registry.select(PersistenceEncryption.class, recipe.get(RecipeSettings.PERSISTENCE_ENCRYPTION));
        KernelInfo kernel = info.defaultKernel();
        List<String> refusals = new ArrayList<>();
        for (Support s : List.of(strategy.supports(recipe), bootloader.supports(recipe), signing.supports(recipe),
                crypt.supports(recipe, InitrdFix.judged(recipe, kernel.initrd())))) {
            refusals.addAll(s.reasons());
        }
        refusals.addAll(InitrdFix.refusals(recipe, info, kernel, crypt, registry));
        if (!refusals.isEmpty()) {
            throw new LivengException(ErrorCodes.PREFLIGHT, "cannot forge " + request.iso() + ":\n  - " + String.join("\n  - ", refusals),
                    "change the recipe, or use an ISO whose initrd has what is missing");
        }
        List<SlotSpec> slots = strategy.slots(recipe);
        for (SlotSpec s : slots) {
            if (s.uuid().equals(info.volumeUuid())) {
                throw new LivengException(ErrorCodes.PREFLIGHT, "the UUID of " + s.name() + " (" + s.uuid() + ") equals the ISO's",
                        "set another reproducible.seed");
            }
        }
        boolean bios = Boolean.parseBoolean(recipe.get(RecipeSettings.BIOS));
        long espSize = size(recipe, RecipeSettings.ESP_SIZE);
        long systemSize = roundUp(systemBytes, MIB);
        String persistenceSetting = recipe.get(RecipeSettings.PERSISTENCE_SIZE);
        long fixed = systemSize + slots.stream().mapToLong(SlotSpec::sizeBytes).sum() + espSize + (bios ? MIB : 0);
        long imageSize;
        String imageSetting = recipe.get(RecipeSettings.IMAGE_SIZE);
        if (device != null) {
            if (!imageSetting.equals("auto")) {
                throw new LivengException(ErrorCodes.USAGE, "image.size=" + imageSetting + " applies to image files; " + device.devicePath()
                        + " has its own size", "leave image.size unset for a device");
            }
            long persistence = persistenceSetting.equals("rest") ? MIN_PERSISTENCE : size(recipe, RecipeSettings.PERSISTENCE_SIZE);
            List<String> unsafe = DeviceSafety.refusals(device, fixed + persistence + 3 * MIB, request.allowFixedDisk());
            if (!unsafe.isEmpty()) {
                throw new LivengException(ErrorCodes.PREFLIGHT, "refusing to write " + request.target() + ":\n  - "
                        + String.join("\n  - ", unsafe), "nothing was written; choose the stick's whole-disk device");
            }
            imageSize = device.sizeBytes() / 512 * 512;
        } else if (imageSetting.equals("auto")) {
            if (persistenceSetting.equals("rest")) {
                throw new LivengException(ErrorCodes.USAGE, "persistence.size=rest needs a fixed image.size for an image file",
                        "set image.size (e.g. 8G) or a persistence.size (e.g. 4G)");
            }
            imageSize = fixed + size(recipe, RecipeSettings.PERSISTENCE_SIZE) + 3 * MIB;
        } else {
            imageSize = size(recipe, RecipeSettings.IMAGE_SIZE);
        }
        if (device != null && device.logicalSectorSize() != 512) {
            throw new LivengException(ErrorCodes.UNSUPPORTED, device.devicePath() + " has " + device.logicalSectorSize()
                    + "-byte logical sectors; forge writes 512-byte-sector disks", "use a stick with 512-byte sectors");
        }
        GptLayoutBuilder b = new GptLayoutBuilder(imageSize, 512).seed(Reproducible.bytes(recipe, "gpt", 32));
        // No Block IO Protocol (UEFI 2.10 §5.3.3): firmware must not look inside the system partition, or it finds the
        // ISO's El Torito EFI image there and boots the ISO's own shim and CD GRUB instead of the stick's ESP.
        b.add(SYSTEM, PartitionTypes.LINUX_FILESYSTEM, systemSize, GptAttributes.REQUIRED | GptAttributes.NO_BLOCK_IO_PROTOCOL, null);
        for (SlotSpec s : slots) {
            b.add(s.name(), PartitionTypes.LINUX_FILESYSTEM, s.sizeBytes(), GptAttributes.REQUIRED, null);
        }
        b.add(EFI, PartitionTypes.EFI_SYSTEM, espSize, 0, null);
        if (bios) {
            b.add(BIOS, PartitionTypes.BIOS_BOOT, MIB, GptAttributes.REQUIRED, null);
        }
        if (persistenceSetting.equals("rest")) {
            b.addRest(PERSISTENCE, PartitionTypes.LINUX_FILESYSTEM, 0, null);
        } else {
            b.add(PERSISTENCE, PartitionTypes.LINUX_FILESYSTEM, size(recipe, RecipeSettings.PERSISTENCE_SIZE), 0, null);
        }
        GptDisk disk = b.build();
        AgentPlacement.Decision agent = AgentPlacement.decide(recipe);
        if (agent.agent() != null) {
            requireRoomForAgent(agent.agent(), crypt, recipe, disk.findByName(PERSISTENCE).orElseThrow().sizeBytes(512));
        }
        SigningKeyPlacement.Key stickKey = SigningKeyPlacement.decide(recipe, agent, crypt.id());
        long espSerial = Reproducible.u32(recipe, "esp-serial");
        String espUuid = String.format("%04X-%04X", espSerial >>> 16, espSerial & 0xFFFF);
        GptPartition system = disk.findByName(SYSTEM).orElseThrow();
        List<String> baseArgs = kernelArgs(isoArgs, recipe, system, crypt);
        List<BootEntry> entries = new ArrayList<>(strategy.bootEntries(recipe, baseArgs).stream().map(ForgeEngine::withSlotArg).toList());
        List<String> fallbackArgs = new ArrayList<>(baseArgs);
        fallbackArgs.add("liveng-fallback");
        entries.add(new BootEntry("fallback", "liveng: original kernel " + kernel.version() + " (fallback)", systemUuid,
                remaster ? Remaster.KERNEL : kernel.kernelPath(), remaster ? Remaster.INITRD : kernel.initrdPath(), fallbackArgs, false));
        BootMenu menu = new BootMenu(entries, Integer.parseInt(recipe.get(RecipeSettings.BOOT_TIMEOUT)),
                Boolean.parseBoolean(recipe.get(RecipeSettings.SERIAL)), espUuid, STATE_PATH);
        List<PartitionPlan> parts = new ArrayList<>();
        for (GptPartition p : disk.partitions()) {
            String fs;
            String fsUuid = "";
            String content;
            if (p.name().equals(SYSTEM)) {
                fs = "iso9660";
                fsUuid = systemUuid;
                content = remaster ? "the upstream tree of " + request.iso().getFileName() + " remastered without boot equipment, kernel as "
                        + Remaster.KERNEL + " (" + systemBytes + " bytes)"
                        : "the upstream ISO " + request.iso().getFileName() + " byte for byte (" + info.size() + " bytes)";
            } else if (p.name().equals(EFI)) {
                fs = "vfat";
                fsUuid = espUuid;
                content = signing.id() + " chain, " + bootloader.id() + " menu and boot state";
            } else if (p.name().equals(BIOS)) {
                fs = "raw";
                content = bootloader.id() + " core image for BIOS";
            } else if (p.name().equals(PERSISTENCE)) {
                fs = crypt.id().equals("none") ? "ext4" : crypt.id();
                content = "persistence.conf '/ union' (" + crypt.id() + ")"
                        + (agent.agent() == null ? "" : ", liveng-agent " + agent.agent().version() + " in the overlay");
            } else {
                SlotSpec s = slots.stream().filter(x -> x.name().equals(p.name())).findFirst().orElseThrow();
                fs = "iso9660";
                fsUuid = s.uuid();
                content = s == slots.get(0) ? "kernel " + kernel.version() + " + initrd (from " + kernel.kernelPath() + ")" : "empty slot";
            }
            parts.add(new PartitionPlan(p.name(), p.typeGuid().toString(), p.uniqueGuid().toString(), p.firstLba(), p.lastLba(), fs,
                    fsUuid, content));
        }
        List<String> notes = new ArrayList<>();
        if (device != null) {
            notes.add("device: " + device.describe() + ", partition table SHA-256 " + device.tableFingerprint()
                    + "; everything on it will be erased");
        }
        notes.add("distro: " + info.name() + " (" + info.provider() + "), kernel " + kernel.version());
        notes.add("providers: distro=" + info.provider() + " kernel.strategy=" + strategy.id() + " bootloader=" + bootloader.id()
                + " signing=" + signing.id() + " persistence.encryption=" + crypt.id());
        notes.add("kernel arguments: " + String.join(" ", baseArgs));
        if (!Boolean.parseBoolean(recipe.get(RecipeSettings.SIGNING_MICROSOFT_DB))) {
            notes.add("warning: signing.microsoft-db=false: db will hold only your certificate; on machines enrolled with it, Microsoft-signed"
                    + " option ROMs (graphics, storage, network cards) and systems no longer run, which can leave no display or boot disk");
        }
        notes.addAll(signing.notes(recipe));
        notes.add(agent.agent() == null ? agent.note() : "agent: liveng-agent " + agent.agent().version() + " into the persistence overlay ("
                + agent.agent().bytes() / MIB + " MiB), its package in /" + AgentPlacement.CACHE);
        if (stickKey != null) {
            notes.add(SigningKeyPlacement.note(stickKey));
        }
        ImagePlan plan = new ImagePlan(request.target().toString(), disk.sizeBytes(), disk.diskGuid().toString(), parts, notes,
                device == null ? "" : device.identity().digest());
        return new Prepared(plan, disk, info, recipe, strategy, bootloader, signing, crypt, slots, menu, espSerial, device,
                request.checksums() == null ? null : Checksums.expected(request.checksums(), request.iso()), systemUuid, systemBytes, agent,
                stickKey);
    }

    @Override
    public ForgeResult forge(ForgeRequest request, Progress progress) throws LivengException {
        long t0 = System.nanoTime();
        Prepared p = prepare(request);
        if (p.crypt().needsPassphrase() && request.passphrase() == null) {
            throw new LivengException(ErrorCodes.USAGE, "persistence.encryption=" + p.crypt().id() + " needs a passphrase and none was given",
                    "give it with --passphrase-file FILE (mode 0600), --passphrase-stdin, or type it at the prompt on a terminal "
                            + "(or set persistence.encryption=none)");
        }
        BlockDevice device = p.device();
        if (device != null) {
            requireConsent(request, device);
        }
        Path target = device == null ? request.target() : Path.of(device.devicePath());
        Path manifest = manifestPath(request, device);
        boolean done = false;
        RecordingChannel ch = null;
        AutoCloseable claim = null;
        WrittenRanges written = new WrittenRanges();
        Path fixWork = null;
        try (Medium iso = IsoFiles.open(request.iso())) {
            // before the first write: an initrd that cannot be augmented leaves the target untouched
            fixWork = InitrdFix.applies(p.recipe(), p.info().defaultKernel().initrd()) ? Files.createTempDirectory("liveng-initrd") : null;
            Optional<AugmentedInitrd> fix = fixWork == null ? Optional.empty()
                    : InitrdFix.apply(registry, p.recipe(), p.info(), iso, fixWork, Reproducible.time(p.recipe()).getEpochSecond());
            if (device != null) {
                claim = nativeCalls.claimExclusively(device.devicePath());
                BlockDevice now = devices.probe(target);
                List<String> changed = device.identity().differences(now.identity());
                if (request.boundIdentity() != null && !request.boundIdentity().equals(now.identity().digest())) {
                    changed = new ArrayList<>(changed);
                    changed.add("it is not the device (or partition table) of the plan that was confirmed");
                }
                if (!changed.isEmpty()) {
                    throw new LivengException(ErrorCodes.PREFLIGHT, target + " changed since it was planned and confirmed: "
                            + String.join("; ", changed), "nothing was written; plan and confirm again");
                }
                ch = new RecordingChannel(FileChannel.open(target, StandardOpenOption.READ, StandardOpenOption.WRITE), written);
            } else {
                ch = new RecordingChannel(FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, StandardOpenOption.SPARSE), written);
                ch.write(ByteBuffer.allocate(1), p.disk().sizeBytes() - 1);
            }
            // the first destructive write: no partition table, so a forge that stops half way leaves nothing that looks valid;
            // the new table is written last
            wipeTables(ch, p.disk());
            if (device != null) {
                wipeSignatures(ch, p.disk());
            }
            Written w = write(p, request, iso, ch, written, progress, fix);
            Files.writeString(manifest, Json.manifest(p.plan(), w.inputs(), w.sums(), w.persistence().parameters(), p.info(),
                    fix.map(a -> InitrdFix.manifest(a, p.info().defaultKernel())).orElse(null),
                    p.agent().agent() == null ? null : AgentPlacement.manifest(p.agent().agent(), InitrdFix.OVERLAY_UPPER, p.stickKey() != null)),
                    StandardCharsets.UTF_8);
            done = true;
            return new ForgeResult(p.plan(), manifest, w.sums(), (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "writing " + target + " failed: " + e.getMessage(), null, e);
        } finally {
            if (!done) {
                undo(ch, p.disk(), device, target);
            }
            close(ch);
            close(claim);
            Path fixDir = fixWork;
            close(fixDir == null ? null : () -> deleteTree(fixDir));
        }
    }

    /** What {@link #write} wrote: input hashes, partition hashes as read back, the persistence container's parameters. */
    record Written(Map<String, String> inputs, Map<String, String> sums, PersistenceResult persistence) {
    }

    /**
     * Writes every partition, then the partition table, then reads back what was written: the system partition while it is
     * copied, the others at the end (only their written ranges, see {@link ChunkDigest}).
     */
    private Written write(Prepared p, ForgeRequest request, Medium iso, RecordingChannel ch, WrittenRanges written, Progress progress,
            Optional<AugmentedInitrd> fix) throws LivengException, IOException {
        Map<String, String> inputs = new LinkedHashMap<>();
        ImageStick stick = new ImageStick(ch, p.disk(), p.bootloader(), STATE_PATH);

        GptPartition system = part(p, SYSTEM);
        boolean remaster = p.recipe().get(RecipeSettings.SYSTEM_MODE).equals("remaster");
        String systemDigest = null;
        if (remaster) {
            progress.step("check the ISO");
            inputs.put("iso.sha256", sha256(request.iso()));
            progress.step("write the remastered system into " + SYSTEM);
            Remaster.writer(iso, p.info(), p.recipe(), p.systemUuid()).write(ch, system.offsetBytes(512));
        } else {
            progress.step("copy the ISO into " + SYSTEM);
            IsoCopy.Result copied = IsoCopy.copy(request.iso(), ch, system.offsetBytes(512), system.sizeBytes(512), SYSTEM, progress);
            inputs.put("iso.sha256", copied.isoSha256());
            systemDigest = copied.partitionDigest();
        }
        long systemWritten = written.bytesWithin(system.offsetBytes(512), system.offsetBytes(512) + system.sizeBytes(512));
        if (p.expectedSha256() != null) {
            if (!p.expectedSha256().equals(inputs.get("iso.sha256"))) {
                throw new LivengException(ErrorCodes.FORMAT, request.iso() + " has SHA-256 " + inputs.get("iso.sha256") + " but "
                        + request.checksums() + " lists " + p.expectedSha256() + " for it", "download the ISO again; it is damaged or not the one listed");
            }
            inputs.put("iso.sha256.listed-in", request.checksums().getFileName().toString());
        }

        KernelInfo k = p.info().defaultKernel();
        progress.step("write kernel " + k.version() + " into " + p.slots().get(0).name());
        SignedChain chain = p.signing().assemble(new ChainRequest(p.recipe(), efiBinaries(iso),
                Map.of(k.version(), mediumContent(iso, k.kernelPath()))));
        new java.util.TreeMap<>(chain.report()).forEach((name, value) -> inputs.put("signing." + name, value));
        Content kernel = chain.kernels().get(k.version());
        Content initrd = fix.isPresent() ? Content.of(fix.get().initrd()) : mediumContent(iso, k.initrdPath());
        p.strategy().install(stick, new KernelImage(k.version(), kernel, initrd), p.recipe());

        progress.step("write the boot loader");
        Optional<GptPartition> bios = p.disk().findByName(BIOS);
        BootState state = initialState(p.menu());
        BootFiles boot = p.bootloader().render(p.menu(), state, new BootTarget(bios.map(GptPartition::firstLba).orElse(-1L),
                bios.map(GptPartition::sizeSectors).orElse(0L), chain.grubConfigDirectory()), p.recipe());
        GptDisk disk = p.disk();
        if (boot.mbrBootCode() != null) {
            disk = new GptDisk(disk.sectorSize(), disk.totalSectors(), disk.diskGuid(), disk.firstUsableLba(), disk.lastUsableLba(),
                    disk.partitions(), boot.mbrBootCode(), disk.mbrDiskSignature());
        }
        if (boot.biosBootImage() != null) {
            writeContent(boot.biosBootImage(), ch, bios.orElseThrow().offsetBytes(512));
        }

        progress.step("write the EFI System Partition");
        GptPartition esp = part(p, EFI);
        List<FileSpec> espFiles = new ArrayList<>(chain.espFiles());
        espFiles.addAll(boot.espFiles());
        // the stick's own copy of the plan: without the target path, which depends only on where it was written
        ImagePlan own = new ImagePlan("", p.plan().sizeBytes(), p.plan().diskGuid(), p.plan().partitions(), p.plan().notes().stream()
                .filter(n -> !n.startsWith("device: ")).toList(), "");
        espFiles.add(new FileSpec("/liveng/plan.json", Content.of(Json.plan(own, inputs, p.recipe()).getBytes(StandardCharsets.UTF_8), "plan")));
        FatWriter.write(ch, esp.offsetBytes(512), esp.sizeBytes(512), espFiles,
                FatOptions.of("LIVENG_EFI", p.espSerial(), Reproducible.time(p.recipe()).getEpochSecond()).withHiddenSectors(esp.firstLba()));

        progress.step("write the persistence partition");
        PersistenceResult persistence = writePersistence(p, ch, request, fix);

        progress.step("write the partition table");
        GptWriter.write(ch, disk);
        ch.force(true);

        progress.step("verify");
        GptWriter.verify(ch, disk);
        try (FatReader fat = FatReader.open(new RegionChannel(ch, esp.offsetBytes(512), esp.sizeBytes(512)), 0, EFI)) {
            for (FileSpec f : espFiles) {
                long size = fat.stat(f.path()).orElseThrow(() -> new LivengException(ErrorCodes.IO, EFI + " reads back without " + f.path()))
                        .size();
                if (size != f.content().size()) {
                    throw new LivengException(ErrorCodes.IO, EFI + f.path() + " reads back with " + size + " bytes, expected " + f.content().size());
                }
            }
        }
        if (written.bytesWithin(system.offsetBytes(512), system.offsetBytes(512) + system.sizeBytes(512)) != systemWritten) {
            throw new LivengException(ErrorCodes.INTERNAL, "a later step wrote into " + SYSTEM + " after the ISO was copied and read back");
        }
        Map<String, String> sums = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), IsoCopy.daemon("liveng-verify"));
        // a device is read back past the page cache: what the stick stores, not what the kernel remembers writing
        // (a counterfeit stick that drops writes beyond its real capacity fails here)
        boolean direct = p.device() != null;
        try (FileChannel back = direct ? FileChannel.open(Path.of(p.device().devicePath()), StandardOpenOption.READ,
                com.sun.nio.file.ExtendedOpenOption.DIRECT) : null) {
            FileChannel from = direct ? back : ch;
            for (GptPartition part : disk.partitions()) {
                boolean copied = part.name().equals(SYSTEM) && systemDigest != null;
                if (copied && !direct) {
                    sums.put(part.name(), systemDigest);
                    continue;
                }
                String digest = ChunkDigest.of(from, part.offsetBytes(512), part.sizeBytes(512), written, pool, direct);
                if (copied && !digest.equals(systemDigest)) {
                    throw new LivengException(ErrorCodes.IO, SYSTEM + " reads back from " + p.device().devicePath()
                            + " different from what was written: the device does not keep what it is given",
                            "the stick may be failing or counterfeit (smaller than it claims); try another one");
                }
                sums.put(part.name(), digest);
            }
        } finally {
            pool.shutdownNow();
        }
        return new Written(inputs, sums, persistence);
    }

    /** A device is erased only when the user named it: its path as given, its /dev node, or one of its by-id names. */
    private static void requireConsent(ForgeRequest request, BlockDevice device) throws LivengException {
        String c = request.confirmedDevice();
        if (c == null || !(c.equals(device.path()) || c.equals(device.devicePath()) || device.byIdNames().contains(c))) {
            throw new LivengException(ErrorCodes.PREFLIGHT, "forge would erase " + device.describe() + " and it was not confirmed"
                    + (c == null ? "" : " (the confirmation names " + c + ")"),
                    "type the device's name when asked, or pass --yes-wipe " + device.path());
        }
    }

    private static Path manifestPath(ForgeRequest request, BlockDevice device) {
        if (request.manifest() != null) {
            return request.manifest();
        }
        Path target = request.target();
        return device == null ? target.resolveSibling(target.getFileName() + ".manifest.json")
                : Path.of("liveng-" + device.kernelName() + ".manifest.json");
    }

    /** Zeros the protective MBR, the primary GPT and the backup GPT. */
    private static void wipeTables(FileChannel ch, GptDisk disk) throws IOException {
        long span = (disk.firstUsableLba()) * disk.sectorSize();
        long tail = (disk.totalSectors() - disk.lastUsableLba() - 1) * disk.sectorSize();
        ch.write(ByteBuffer.allocate((int) span), 0);
        ch.write(ByteBuffer.allocate((int) tail), disk.totalSectors() * disk.sectorSize() - tail);
    }

    /**
     * Zeros the first and last MiB of every partition of a device: what a device held before (a filesystem, RAID or LUKS
     * signature where an empty kernel slot or the ESP's free space now is) must not be found there by blkid or GRUB's search.
     */
    private static void wipeSignatures(FileChannel ch, GptDisk disk) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate((int) MIB);
        for (GptPartition part : disk.partitions()) {
            long start = part.offsetBytes(disk.sectorSize());
            long size = part.sizeBytes(disk.sectorSize());
            for (long at : new long[] { start, start + Math.max(0, size - MIB) }) {
                ch.write(zeros.clear().limit((int) Math.min(MIB, size)), at);
            }
        }
    }

    /** After a failure: an image file is removed; a device keeps no partition table, so nothing half-written looks valid. */
    private static void undo(FileChannel ch, GptDisk disk, BlockDevice device, Path target) {
        try {
            if (device == null) {
                close(ch);
                Files.deleteIfExists(target);
            } else if (ch != null && ch.isOpen()) {
                wipeTables(ch, disk);
                ch.force(true);
            }
        } catch (IOException e) {
            // the original failure is what gets reported
        }
    }

    private static void close(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // nothing more to do
            }
        }
    }

    /** The first slot entry of the menu good, the others empty. */
    static BootState initialState(BootMenu menu) {
        Map<String, BootState.Slot> m = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        List<BootEntry> slots = menu.entries().stream().filter(BootEntry::slot).toList();
        for (int i = 0; i < slots.size(); i++) {
            String id = slots.get(i).id();
            order.add(id);
            m.put(id, new BootState.Slot(i == 0 ? BootState.Status.GOOD : BootState.Status.EMPTY, 0));
        }
        return new BootState(order, m);
    }

    private PersistenceResult writePersistence(Prepared p, FileChannel ch, ForgeRequest request, Optional<AugmentedInitrd> fix)
            throws LivengException, IOException {
        GptPartition part = part(p, PERSISTENCE);
        // 0700: with agent.signing-key it holds the owner's private key until it is wiped below
        Path work = Files.createTempDirectory("liveng-persistence",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path stagedKey = null;
        List<Long> keyBlocks = List.of();
        Path img = work.resolve("persistence.ext4");
        try {
            Path tree = Files.createDirectories(work.resolve("tree"));
            Files.writeString(tree.resolve("persistence.conf"), "/ union\n", StandardCharsets.US_ASCII);
            InitrdFix.writeOverlay(tree, fix);
            if (p.agent().agent() != null) {
                AgentPlacement.place(p.agent().agent(), tree.resolve(InitrdFix.OVERLAY_UPPER));
            }
            if (p.stickKey() != null) {
                stagedKey = SigningKeyPlacement.staged(p.stickKey(), tree.resolve(InitrdFix.OVERLAY_UPPER));
                SigningKeyPlacement.place(p.stickKey(), tree.resolve(InitrdFix.OVERLAY_UPPER));
            }
            String uuid = Guid.derive(Reproducible.bytes(p.recipe(), "persistence", 32), "ext4").toLowerCaseString();
            long epoch = Reproducible.time(p.recipe()).getEpochSecond();
            // on a device, holes of the image keep whatever the device held, and through encryption they decrypt to noise:
            // mke2fs must not count on them reading as zeros
            // (nodiscard: no inode table is marked zeroed without being written; the kernel initialises them lazily)
            boolean holesNotZero = p.device() != null || !p.crypt().id().equals("none");
            String extended = "hash_seed=" + uuid + ",root_owner=0:0" + (holesNotZero ? ",nodiscard,lazy_itable_init=1" : "");
            runner.run(Command.of("mkfs.ext4", "-q", "-F", "-b", "4096", "-L", "persistence", "-U", uuid, "-E", extended,
                    "-d", tree.toString(), img.toString(), (p.crypt().plaintextBytes(p.recipe(), part.sizeBytes(512)) / 1024) + "k")
                    .env("E2FSPROGS_FAKE_TIME", Long.toString(epoch)).fromPackage("e2fsprogs"));
            if (p.stickKey() != null) {
                // the blocks that hold the key in plaintext, zeroed in the image before it is deleted
                keyBlocks = SigningKeyPlacement.blocks(runner.run(Command.of("debugfs", "-R", "blocks " + SigningKeyPlacement.fsPath(p.stickKey()),
                        img.toString()).fromPackage("e2fsprogs")).stdoutText());
            }
            // mke2fs -d stamps the copied inodes with the real time and the copier's owner: pin the times of root,
            // lost+found and everything copied, and make everything copied root's
            StringBuilder pin = new StringBuilder();
            for (String inode : copiedInodes(tree)) {
                for (String field : List.of("atime", "ctime", "mtime", "crtime")) {
                    pin.append("sif ").append(inode).append(' ').append(field).append(' ').append(epoch).append('\n');
                    pin.append("sif ").append(inode).append(' ').append(field).append("_extra 0\n");
                }
                if (!inode.startsWith("<")) {
                    pin.append("sif ").append(inode).append(" uid 0\nsif ").append(inode).append(" gid 0\n");
                }
            }
            Path cmds = Files.writeString(work.resolve("pin-times.debugfs"), pin.toString(), StandardCharsets.US_ASCII);
            runner.run(Command.of("debugfs", "-w", "-f", cmds.toString(), img.toString())
                    .env("E2FSPROGS_FAKE_TIME", Long.toString(epoch)).fromPackage("e2fsprogs"));
            if (holesNotZero) {
                fillJournal(img, epoch);
            }
            return p.crypt().write(new PersistenceRequest(img, new RegionChannel(ch, 0, ch.size()), part.offsetBytes(512),
                    part.sizeBytes(512), request.passphrase(), p.recipe()));
        } finally {
            SigningKeyPlacement.wipeFile(stagedKey);
            SigningKeyPlacement.wipeBlocks(img, keyBlocks, 4096);
            deleteTree(work);
        }
    }

    /** Root and lost+found by inode number, then every path of {@code tree} as debugfs names it in the new filesystem. */
    private static List<String> copiedInodes(Path tree) throws IOException, LivengException {
        List<String> out = new ArrayList<>(List.of("<2>", "<11>"));
        try (var s = Files.walk(tree)) {
            for (Path x : s.skip(1).toList()) {
                String rel = "/" + tree.relativize(x);
                if (!rel.matches("[A-Za-z0-9_./+~@=,:-]+")) {
                    throw new LivengException(ErrorCodes.INTERNAL, "persistence file name " + rel + " has characters debugfs would split on");
                }
                out.add(rel);
            }
        }
        return out;
    }

    /**
     * Preflight for {@code agent.install}: the persistence filesystem (after the encryption's header) must hold the agent
     * with room for ext4's own structures.
     */
    private static void requireRoomForAgent(AgentPlacement.Agent agent, PersistenceEncryption crypt, Recipe recipe, long partitionBytes)
            throws LivengException {
        long fs = crypt.plaintextBytes(recipe, partitionBytes);
        if (fs >= agent.neededBytes()) {
            return;
        }
        long needed = roundUp(agent.neededBytes() + (partitionBytes - fs), MIB) / MIB;
        throw new LivengException(ErrorCodes.PREFLIGHT, "the persistence partition (" + partitionBytes / MIB + " MiB) is too small for the on-stick agent"
                + " liveng-agent " + agent.version() + " (" + RecipeSettings.AGENT_INSTALL.name() + "): it needs at least " + needed + " MiB",
                "set " + RecipeSettings.PERSISTENCE_SIZE.name() + "=" + needed + "M or more (a kernel update installed on the stick takes"
                        + " about 200 MiB more), or " + RecipeSettings.AGENT_INSTALL.name() + "=false");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    /**
     * Writes the zeros of the journal (inode 8) that mke2fs left as holes in the image, so that they reach a device: a stale
     * journal block from an earlier filesystem at the same place must never be replayed.
     */
    private void fillJournal(Path img, long epoch) throws LivengException, IOException {
        String out = runner.run(Command.of("debugfs", "-R", "blocks <8>", img.toString())
                .env("E2FSPROGS_FAKE_TIME", Long.toString(epoch)).fromPackage("e2fsprogs")).stdoutText();
        List<long[]> holes = holes(nativeCalls.dataRanges(img), Files.size(img));
        ByteBuffer zeros = ByteBuffer.allocate(4096);
        try (FileChannel f = FileChannel.open(img, StandardOpenOption.WRITE)) {
            for (String b : out.strip().split("\\s+")) {
                if (b.isEmpty()) {
                    continue;
                }
                long at = Long.parseLong(b) * 4096;
                if (holes.stream().anyMatch(h -> at >= h[0] && at < h[1])) {
                    f.write(zeros.clear(), at);
                }
            }
        }
    }

    /** The complement of {@code data} in {@code [0, size)}. */
    static List<long[]> holes(List<long[]> data, long size) {
        List<long[]> out = new ArrayList<>();
        long pos = 0;
        for (long[] r : data) {
            if (r[0] > pos) {
                out.add(new long[] { pos, r[0] });
            }
            pos = Math.max(pos, r[1]);
        }
        if (pos < size) {
            out.add(new long[] { pos, size });
        }
        return out;
    }

    /**
     * A slot entry's kernel command line names its slot ({@code liveng.slot=b}), so the running system knows which slot it
     * booted and the bless service marks exactly that one good; the fallback entry carries {@code liveng-fallback} instead.
     */
    static BootEntry withSlotArg(BootEntry e) {
        if (!e.slot()) {
            return e;
        }
        List<String> args = new ArrayList<>(e.kernelArgs());
        args.removeIf(a -> a.startsWith(SLOT_ARG + "="));
        args.add(SLOT_ARG + "=" + e.id());
        return new BootEntry(e.id(), e.title(), e.kernelVolume(), e.kernelPath(), e.initrdPath(), args, true);
    }

    private static List<String> kernelArgs(List<String> isoArgs, Recipe recipe, GptPartition system, PersistenceEncryption crypt) {
        List<String> args = new ArrayList<>(isoArgs);
        if (args.isEmpty()) {
            args.addAll(List.of("boot=live", "components"));
        }
        args.removeIf(a -> a.startsWith("live-media=") || a.equals("persistence") || a.startsWith("persistence-encryption="));
        args.add("live-media=/dev/disk/by-partuuid/" + system.uniqueGuid().toLowerCaseString());
        args.add("persistence");
        if (!crypt.id().equals("none")) {
            args.add("persistence-encryption=luks");
        }
        if (Boolean.parseBoolean(recipe.get(RecipeSettings.SERIAL)) && args.stream().noneMatch(a -> a.startsWith("console=ttyS0"))) {
            args.add("console=ttyS0,115200n8");
        }
        for (String a : recipe.get(RecipeSettings.KERNEL_ARGS).split("\\s+")) {
            if (!a.isBlank()) {
                args.add(a);
            }
        }
        return args;
    }

    /** The recipe's base distro ({@code auto}: {@code debian-live}). */
    static BaseDistro distro(ProviderRegistry registry, Recipe recipe) throws LivengException {
        String id = recipe.get(RecipeSettings.DISTRO);
        return registry.select(BaseDistro.class, id.equals("auto") ? "debian-live" : id);
    }

    /** The distro's signed EFI binaries, from the ISO's own EFI tree. */
    static Map<String, Content> efiBinaries(Medium iso) throws LivengException {
        Map<String, Content> m = new LinkedHashMap<>();
        for (var e : List.of(Map.entry("shim", "bootx64.efi"), Map.entry("grub", "grubx64.efi"), Map.entry("mokmanager", "mmx64.efi"))) {
            for (String dir : List.of("/EFI/boot", "/EFI/BOOT", "/efi/boot")) {
                String path = dir + "/" + e.getValue();
                if (iso.stat(path).isPresent()) {
                    m.put(e.getKey(), mediumContent(iso, path));
                    break;
                }
            }
        }
        return m;
    }

    static Content mediumContent(Medium medium, String path) throws LivengException {
        long size = medium.stat(path).orElseThrow(() -> new LivengException(ErrorCodes.NOT_FOUND, medium.source() + ": no " + path)).size();
        return Content.of(size, () -> {
            try {
                return medium.open(path);
            } catch (LivengException e) {
                throw new IOException(e.getMessage(), e);
            }
        }, medium.source() + ":" + path);
    }

    private static void writeContent(Content c, FileChannel ch, long offset) throws IOException {
        try (InputStream in = c.open()) {
            byte[] all = in.readAllBytes();
            ByteBuffer b = ByteBuffer.wrap(all);
            while (b.hasRemaining()) {
                ch.write(b, offset + b.position());
            }
        }
    }

    /** The SHA-256 of a whole file. */
    static String sha256(Path file) throws IOException {
        MessageDigest md = ChunkDigest.sha();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(IsoCopy.BLOCK);
            while (in.read(buf.clear()) > 0) {
                md.update(buf.flip());
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static GptPartition part(Prepared p, String name) {
        return p.disk().findByName(name).orElseThrow();
    }

    private static long size(Recipe r, org.liveng.api.recipe.Setting s) throws LivengException {
        long n = Sizes.parse(r.get(s));
        if (n <= 0) {
            throw new LivengException(ErrorCodes.USAGE, s.name() + "=" + r.get(s) + " is not a size", s.help());
        }
        return n;
    }

    static long roundUp(long n, long unit) {
        return (n + unit - 1) / unit * unit;
    }

    private static void checkTarget(Path target) throws LivengException {
        if (target.toAbsolutePath().normalize().startsWith("/dev")) {
            throw new LivengException(ErrorCodes.NOT_FOUND, target + " is not a block device" + (Files.exists(target) ? "" : " (no such device)"),
                    "give the stick's whole-disk device (lsblk lists them); forge never creates image files under /dev");
        }
        if (Files.exists(target)) {
            if (!Files.isRegularFile(target)) {
                throw new LivengException(ErrorCodes.USAGE, target + " is neither a block device nor a regular file",
                        "give an image file name or a whole-disk device such as /dev/sdb");
            }
            throw new LivengException(ErrorCodes.PREFLIGHT, target + " already exists; forge never overwrites a file",
                    "remove it or choose another name");
        }
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new LivengException(ErrorCodes.ENVIRONMENT, "cannot create " + target + ": its folder does not exist or is not writable",
                    "choose a writable folder");
        }
    }
}
