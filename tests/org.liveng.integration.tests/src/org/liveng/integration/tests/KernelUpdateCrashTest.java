package org.liveng.integration.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.ProviderRegistry;
import org.liveng.api.boot.BootEntry;
import org.liveng.api.kernel.InstalledKernels;
import org.liveng.api.kernel.KernelImage;
import org.liveng.api.kernel.SlotInfo;
import org.liveng.api.kernel.SlotSpec;
import org.liveng.api.medium.Content;
import org.liveng.api.plan.ForgeRequest;
import org.liveng.api.plan.ForgeResult;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.Progress;
import org.liveng.api.recipe.Recipe;
import org.liveng.boot.grub.internal.GrubBootResolver;
import org.liveng.core.internal.forge.KernelUpdateService;
import org.liveng.format.gpt.GptPartition;
import org.liveng.kernel.slots.SlotFiles;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The exhaustive crash test of kernel updates (issue 7, proof 1): a whole update runs against a stick that loses power
 * after its N-th write, for every N from 0 to the number of writes of a complete update, and again with write N torn at
 * up to {@value #TEARS} of its sector boundaries (only that prefix of whole 512-byte sectors lands). Each resulting image
 * is then booted by {@link GrubBootResolver}, the model of the GRUB menu liveng renders (grubenv order, statuses, tries,
 * fallback), several times in a row as GRUB would (each boot's {@code save_env} feeding the next), and the entry it picks
 * is checked: a kernel slot must parse as ISO 9660, carry its UUID and hold the kernel and initrd of its manifest.
 *
 * <p>The crash model: the unit is one write call of liveng's own code on the stick's channel (the page cache below it
 * may merge or split them). Power loss stops everything: later writes and syncs never happen. Reordering by the page
 * cache is bounded by syncs; the test asserts from the recorded log that under {@code ab-slots} every write of the boot
 * state is alone between two syncs, so a crash can reorder nothing across it: the slot behind it is complete on the
 * stick before the state names it, and the state is one sector (old or new, the premise every bootloader's environment
 * block makes). Between those syncs only the slot being written changes and no boot state in that window names it, so
 * any subset of its writes landing in any order is as harmless as the prefixes checked here. Torn writes: whole sectors
 * only; a sector that is half old and half new is outside this model.
 *
 * <p>{@code ab-slots} must boot a valid kernel in every state without user action; {@code second-partition}, which
 * rewrites its only slot in place, must show the weakness that it fixes: states in which the default entry is broken.
 * Each of those is then repaired as the agent does after a boot from the fallback entry ({@code kernel repair}), and
 * must boot a valid kernel afterwards.
 */
@ExtendWith(ServiceExtension.class)
class KernelUpdateCrashTest {
    static final int BOOTS = 5;
    /** Tear points per write at most. */
    static final int TEARS = 16;
    static Path iso;

    @InjectService(timeout = 5000)
    ImageForge forge;

    @InjectService(timeout = 5000)
    ProviderRegistry registry;

    @BeforeAll
    static void fixture() throws LivengException {
        iso = Fixtures.liveIso();
    }

    static Recipe recipe(String strategy) {
        return new Recipe(Map.of("reproducible.seed", "crash-test", "reproducible.source-date-epoch", "1704067200",
                "persistence.size", "64M", "persistence.encryption", "none", "kernel.strategy", strategy, "boot.bios", "false"));
    }

    /** A small synthetic kernel + initrd: the slot checks are about bytes and hashes, not about booting. */
    static KernelImage kernel(String version, int seed) {
        Random r = new Random(seed);
        byte[] k = new byte[300 * 1024 + seed];
        byte[] i = new byte[200 * 1024 + 7 * seed];
        r.nextBytes(k);
        r.nextBytes(i);
        return new KernelImage(version, Content.of(k, "kernel " + version), Content.of(i, "initrd " + version));
    }

    /** What the crash loop found; {@code unrepaired}: states that still do not boot a valid kernel after a repair. */
    record Outcome(long writes, int states, int unbootable, int fallbacks, List<String> failures, List<String> unrepaired) {
    }

    @Test
    void abSlotsBootsAValidKernelAfterACrashAtEveryWrite(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("ab.img");
        Recipe recipe = recipe("ab-slots");
        forge.forge(ForgeRequest.of(iso, img, recipe), Progress.NONE);

        // 1: a fresh stick (A good with the ISO's kernel, B empty): the update writes B
        Outcome first = crashLoop(img, kernel("6.1.0-98-cloud-amd64", 1), true, null);
        // 2: after that update was booted and blessed (B good, A good behind it): the next update must first take A
        // out of the boot state, then write it
        try (var o = open(img, true)) {
            o.strategy().update(o.stick(), kernel("6.1.0-98-cloud-amd64", 1), false, o.recipe());
            o.strategy().bless(o.stick(), "b", o.recipe());
        }
        Outcome second = crashLoop(img, kernel("6.1.0-99-cloud-amd64", 2), true, null);
        for (Outcome out : List.of(first, second)) {
            System.out.printf("ab-slots: %d writes per update, %d crash states checked (cut and torn), %d boots each, %d unbootable%n",
                    out.writes(), out.states(), BOOTS, out.unbootable());
            assertTrue(out.writes() > 10, "an update is more than a handful of writes: " + out.writes());
            assertEquals(List.of(), out.failures(), "ab-slots states that do not boot a valid kernel");
            assertEquals(0, out.fallbacks(), "ab-slots always has a good slot: the ISO fallback is never needed");
        }
    }

    @Test
    void secondPartitionHasUnbootableStatesWhichIsTheWeaknessAbSlotsFixes(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("second.img");
        ForgeResult forged = forge.forge(ForgeRequest.of(iso, img, recipe("second-partition")), Progress.NONE);
        KernelImage update = kernel("6.1.0-98-cloud-amd64", 1);
        Outcome out = crashLoop(img, update, false, installed(img, forged, update, dir));
        System.out.printf("second-partition: %d writes per update, %d crash states checked (cut and torn), %d unbootable without user action, "
                + "%d still unbootable after kernel repair%n", out.writes(), out.states(), out.unbootable(), out.unrepaired().size());
        assertTrue(out.unbootable() > 0, "rewriting the only slot in place leaves states whose default entry is broken");
        assertTrue(out.unbootable() < out.states(), "states before the first write and after the last one boot");
        assertEquals(List.of(), out.unrepaired(), "states that kernel repair (after a fallback boot) does not bring back");
    }

    /**
     * The kernels the live system has installed when the update is cut short: the ISO's own (read from the freshly forged
     * kernel partition by xorriso) and the update's.
     */
    static InstalledKernels installed(Path img, ForgeResult forged, KernelImage update, Path dir) throws Exception {
        Path slot = ForgeTest.extract(img, ForgeTest.part(forged.plan(), "LIVENG_KERNEL"), dir.resolve("forged-kernel.iso"));
        Path files = Files.createDirectory(dir.resolve("forged-kernel"));
        Fixtures.run("xorriso", "-osirrox", "on", "-indev", slot.toString(), "-extract", "/", files.toString());
        String manifest = Files.readString(files.resolve("liveng/slot.json"));
        String isoRelease = new com.google.gson.Gson().fromJson(manifest, com.google.gson.JsonObject.class).get("kernel").getAsString();
        KernelImage own = new KernelImage(isoRelease, Content.of(files.resolve("live/vmlinuz")), Content.of(files.resolve("live/initrd.img")));
        Map<String, KernelImage> kernels = Map.of(isoRelease, own, update.version(), update);
        return new InstalledKernels() {
            @Override
            public String describe() {
                return "the test's kernels";
            }

            @Override
            public List<String> releases() {
                return List.copyOf(kernels.keySet());
            }

            @Override
            public KernelImage kernel(String release) throws LivengException {
                KernelImage k = kernels.get(release);
                if (k == null) {
                    throw new LivengException(ErrorCodes.NOT_FOUND, "no kernel " + release);
                }
                return k;
            }
        };
    }

    KernelUpdateService.Opened open(Path img, boolean write) throws LivengException, IOException {
        FileChannel ch = write ? FileChannel.open(img, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(img, StandardOpenOption.READ);
        return KernelUpdateService.open(ch, img.toString(), registry, null);
    }

    /**
     * Runs the update once completely (counting its writes), then for every crash point and both crash kinds from the
     * same starting image, checking the boots of each resulting image; the image is restored after each run.
     */
    Outcome crashLoop(Path img, KernelImage kernel, boolean strict, InstalledKernels repairFrom) throws Exception {
        String before = digestOfBoot(img);
        List<FaultyChannel.Op> log;
        long total;
        try (FileChannel raw = FileChannel.open(img, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FaultyChannel clean = new FaultyChannel(raw, Long.MAX_VALUE, 0);
            runUpdate(clean, img, kernel);
            assertTrue(!clean.crashed());
            log = clean.log();
            total = clean.writes();
            if (strict) {
                assertBootStateWritesAreAloneBetweenSyncs(log, espRange(img));
            }
            List<String> after = boots(img);
            assertTrue(after.get(0).startsWith("ok ") && after.get(0).contains(kernel.version()), "the complete update boots the new kernel: "
                    + after);
            clean.undo();
        }
        assertEquals(before, digestOfBoot(img), "the image is back at its starting state");
        int states = 0;
        int unbootable = 0;
        int fallbacks = 0;
        List<String> failures = new ArrayList<>();
        List<String> unrepaired = new ArrayList<>();
        try (FileChannel raw = FileChannel.open(img, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (long n = 0; n <= total; n++) {
                int len = n < total ? log.stream().filter(o -> !o.sync()).skip(n).findFirst().orElseThrow().length() : 0;
                long pos = n < total ? log.stream().filter(o -> !o.sync()).skip(n).findFirst().orElseThrow().position() : 0;
                List<Integer> torn = new ArrayList<>(List.of(0));
                if (n < total) {
                    torn.addAll(tornPrefixes(pos, len));
                }
                for (int t : torn) {
                    FaultyChannel f = new FaultyChannel(raw, n, t);
                    try {
                        runUpdate(f, img, kernel);
                    } catch (LivengException e) {
                        assertTrue(f.crashed(), "the update failed without a crash: " + e.getMessage());
                    }
                    states++;
                    List<String> boots = boots(img);
                    boolean bad = boots.stream().anyMatch(b -> b.startsWith("BROKEN"));
                    if (bad) {
                        unbootable++;
                        failures.add("crash at write " + n + (t > 0 ? " torn after " + t + " bytes" : "") + ": " + boots);
                    }
                    if (boots.stream().anyMatch(b -> b.startsWith("fallback"))) {
                        fallbacks++;
                    }
                    if (bad && repairFrom != null) {
                        FaultyChannel repair = new FaultyChannel(raw, Long.MAX_VALUE, 0);
                        try (var o = KernelUpdateService.open(repair, img.toString(), registry, null)) {
                            o.strategy().repair(o.stick(), repairFrom, o.recipe());
                        }
                        List<String> repaired = boots(img);
                        if (!repaired.stream().allMatch(b -> b.startsWith("ok "))) {
                            unrepaired.add("crash at write " + n + (t > 0 ? " torn after " + t + " bytes" : "") + ": " + repaired);
                        }
                        repair.undo();
                    }
                    f.undo();
                }
            }
        }
        assertEquals(before, digestOfBoot(img), "the image is back at its starting state");
        return new Outcome(total, states, unbootable, fallbacks, failures, unrepaired);
    }

    /**
     * Where write N may be torn: at sector boundaries (on the disk, not in the buffer) strictly inside it; all of them for
     * a write of up to {@link #TEARS} sectors, else {@link #TEARS} spread evenly, always with the first and the last.
     */
    static List<Integer> tornPrefixes(long pos, int len) {
        long first = (pos / 512 + 1) * 512 - pos;
        long last = ((pos + len - 1) / 512) * 512 - pos;
        List<Integer> out = new ArrayList<>();
        if (first > last || last <= 0) {
            return out;
        }
        long sectors = (last - first) / 512 + 1;
        long step = Math.max(1, (sectors - 1) / (TEARS - 1));
        for (long k = 0; k < sectors; k += step) {
            out.add((int) (first + k * 512));
        }
        if (out.get(out.size() - 1) != last) {
            out.add((int) last);
        }
        return out;
    }

    private void runUpdate(FaultyChannel f, Path img, KernelImage kernel) throws Exception {
        try (var o = KernelUpdateService.open(f, img.toString(), registry, null)) {
            o.strategy().update(o.stick(), kernel, false, o.recipe());
        }
    }

    /** The entry each of {@link #BOOTS} boots in a row picks, and whether it is sound: "ok a 6.1.0-..." or "BROKEN ...". */
    List<String> boots(Path img) throws Exception {
        List<String> out = new ArrayList<>();
        try (var o = open(img, false)) {
            byte[] env = o.stick().readEspFile("/liveng/grubenv").orElseThrow();
            List<BootEntry> entries = o.strategy().bootEntries(o.recipe(), List.of("boot=live"));
            List<String> ids = entries.stream().map(BootEntry::id).toList();
            List<SlotSpec> specs = o.strategy().slots(o.recipe());
            for (int i = 0; i < BOOTS; i++) {
                GrubBootResolver.Boot b = GrubBootResolver.boot(ids, env);
                if (b.entry().equals(GrubBootResolver.FALLBACK)) {
                    out.add("fallback (the ISO's own kernel)");
                } else {
                    SlotInfo s = SlotFiles.read(o.stick(), specs.get(ids.indexOf(b.entry())), b.entry());
                    out.add(s.valid() ? "ok " + b.entry() + " " + s.version() : "BROKEN " + b.entry() + ": " + s.problem());
                }
                env = b.env();
            }
        }
        return out;
    }

    /** The boot state and the slots as the boot sees them, to check that the image is restored. */
    String digestOfBoot(Path img) throws Exception {
        try (var o = open(img, false)) {
            return o.stick().bootState() + " " + o.strategy().status(o.stick(), o.recipe());
        }
    }

    long[] espRange(Path img) throws Exception {
        try (var o = open(img, false)) {
            GptPartition esp = o.stick().disk().findByName("LIVENG_EFI").orElseThrow();
            return new long[] { esp.offsetBytes(512), esp.offsetBytes(512) + esp.sizeBytes(512) };
        }
    }

    /**
     * Each write into the ESP (the boot state) is the run's first write or comes right after a sync, and is followed by a
     * sync before any other write.
     */
    static void assertBootStateWritesAreAloneBetweenSyncs(List<FaultyChannel.Op> log, long[] esp) {
        int stateWrites = 0;
        for (int i = 0; i < log.size(); i++) {
            FaultyChannel.Op op = log.get(i);
            if (op.sync() || op.position() < esp[0] || op.position() >= esp[1]) {
                continue;
            }
            stateWrites++;
            boolean firstWrite = log.subList(0, i).stream().allMatch(FaultyChannel.Op::sync);
            assertTrue(firstWrite || log.get(i - 1).sync(), "boot state write " + i + " is the run's first write or follows a sync: " + log);
            assertTrue(i + 1 < log.size() && log.get(i + 1).sync(), "boot state write " + i + " is followed by a sync: " + log);
            assertNotEquals(0, op.length());
        }
        assertTrue(stateWrites >= 1, "the update switches the boot state");
    }
}
