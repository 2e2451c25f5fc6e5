package org.liveng.integration.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.boot.BootState;
import org.liveng.api.keys.KeyRole;
import org.liveng.api.kernel.KernelUpdates;
import org.liveng.api.kernel.SlotInfo;
import org.liveng.api.kernel.StickStatus;
import org.liveng.api.plan.ForgeRequest;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.ImagePlan;
import org.liveng.api.plan.PartitionPlan;
import org.liveng.api.plan.Progress;
import org.liveng.api.recipe.Recipe;
import org.liveng.keys.KeyDirectory;
import org.liveng.platform.exec.Command;
import org.liveng.testing.boot.Boot;
import org.liveng.testing.boot.DiskImages;
import org.liveng.testing.boot.Firmware;
import org.liveng.testing.boot.LuksPersistence;
import org.liveng.testing.boot.Machine;
import org.liveng.testing.boot.SecureBootKeys;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * A kernel update on the running stick, proven by boots (issue 7), for one kind of persistence and Secure Boot chain
 * ({@link KernelUpdateBootTest}: LUKS2 and {@code mok}, {@link KernelUpdatePlainBootTest}: plain and {@code
 * shim-distro}). A stick forged with that persistence and the on-stick agent (agent.install) boots under UEFI Secure
 * Boot: shim-distro with Microsoft's keys; mok with the owner's MOK key on the stick (agent.signing-key) and the MOK
 * certificate trusted next to Microsoft's db (see {@link #machine}). Boot 1: the fixture's newer Debian kernel packages
 * are installed with dpkg from an attached disk; the agent's kernel hook puts the kernel into slot B on trial (the
 * host's {@code kernel status} sees it), under mok signed with the stick's MOK key in place of Debian's signature
 * (sbverify on the host). Boot 2: GRUB boots slot B, {@code uname -r} is the new release, the bless unit marks it good
 * (the host sees it). Slot B's kernel is then corrupted on the host. Boot 3:
 * shim refuses it and GRUB boots slot A, the ISO's kernel, by itself. Boot 4: with both slots marked bad, the fallback
 * entry boots the ISO's original kernel with liveng-fallback. One image, four boots, in order; the seconds of each are
 * printed.
 */
@ExtendWith(ServiceExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(Lifecycle.PER_CLASS)
abstract class KernelUpdateBoots {
    static final Duration TO_PROMPT = Duration.ofMinutes(8);
    static final Duration TO_DONE = Duration.ofMinutes(12);
    /** Boot 1 also unpacks the kernel package and builds its initrd under TCG (about 20 minutes of it on a LUKS persistence). */
    static final Duration TO_INSTALLED = Duration.ofMinutes(50);
    static final Recipe RECIPE = new Recipe(Map.of("reproducible.seed", "kernel-update-boot-test", "persistence.size", "1G",
            "boot.serial", "true", "boot.timeout", "1"));
    /** What the test agent reports for a plain persistence partition. */
    static final String PLAIN_MOUNTED = "mounted device=/dev/vda6";
    /** Waits for the bless unit (it runs at every boot), so that power-off never stops it half way. */
    static final String WAIT_FOR_BLESS = waitForUnit("bless");

    /**
     * Steps that wait for the agent's unit {@code liveng-NAME.service} (started at boot when its condition holds) and print
     * "NAME-unit=STATE result=RESULT" and its journal, each line prefixed "NAME: ".
     */
    static String waitForUnit(String name) {
        String unit = "liveng-" + name + ".service";
        return "systemctl start " + unit + "\n"
                + "echo \"" + name + "-unit=$(systemctl is-active " + unit + ") result=$(systemctl show -p Result --value " + unit + ")\"\n"
                + "journalctl -b -u " + unit + " --no-pager -o cat | sed 's/^/" + name + ": /'\n";
    }

    /** Whether the persistence is LUKS2-encrypted (the passphrase is typed at boot) or plain. */
    private final boolean encrypted;
    /** The Secure Boot chain: {@code shim-distro} or {@code mok} (with agent.signing-key, so LUKS2 only). */
    private final String signing;
    /** mok: the owner's PK, KEK and MOK, and the variable store the firmware starts from. */
    KeyDirectory keys;
    SecureBootKeys vars;

    /** Static: JUnit makes one per test class (an instance field would be a new folder for every test method). */
    @TempDir
    static Path tmp;
    Path img;
    ImagePlan plan;
    final StringBuilder seconds = new StringBuilder();

    KernelUpdateBoots(boolean encrypted, String signing) {
        this.encrypted = encrypted;
        this.signing = signing;
    }

    boolean mok() {
        return signing.equals("mok");
    }

    @InjectService(timeout = 5000)
    ImageForge forge;

    @InjectService(timeout = 5000)
    KernelUpdates updates;

    @BeforeAll
    void fixture() throws Exception {
        KernelUpdateTest.fixture();
    }

    @AfterAll
    void report() {
        System.out.println(getClass().getSimpleName() + " seconds per boot:" + seconds);
    }

    Path image() throws Exception {
        if (img == null) {
            Path p = tmp.resolve("stick.img");
            Recipe recipe = RECIPE.with("signing", signing);
            if (mok()) {
                keys = StickSigningKeyTest.keys(tmp.resolve("keys"), null, KeyRole.PK, KeyRole.KEK, KeyRole.MOK);
                recipe = recipe.with("signing.keys", keys.path().toString()).with("agent.signing-key", "true");
                // the firmware's store: the owner's PK and KEK, the MOK certificate as db (Microsoft's db is added per boot)
                Path d = Files.createDirectories(tmp.resolve("vars"));
                Files.write(d.resolve("pk.esl"), keys.export("pk", "esl"));
                Files.write(d.resolve("kek.esl"), keys.export("kek", "esl"));
                Files.write(d.resolve("db.esl"), keys.export("mok", "esl"));
                vars = SecureBootKeys.existing(d, keys.owner().uuid());
            }
            plan = encrypted ? LuksPersistence.forge(forge, ForgeRequest.of(Fixtures.liveIso(), p,
                    AgentForgeTest.withAgent(LuksPersistence.withCheapKdf(recipe)))).plan()
                    : forge.forge(ForgeRequest.of(Fixtures.liveIso(), p, AgentForgeTest.withAgent(recipe.with("persistence.encryption", "none"))),
                            Progress.NONE).plan();
            img = p;
        }
        return img;
    }

    static String newRelease() {
        return KernelUpdateTest.update.getProperty("kernel_release");
    }

    static String isoRelease() {
        return KernelUpdateTest.update.getProperty("iso_kernel_release");
    }

    Path steps(String name, String script, boolean withKernelPackages) throws Exception {
        return stepsDisk(tmp, name, script, withKernelPackages);
    }

    /** A steps disk (ext4 labelled LIVENG-STEPS) in {@code tmp} with steps.sh and, when asked, the fixture's kernel-update packages. */
    static Path stepsDisk(Path tmp, String name, String script, boolean withKernelPackages) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name + "-steps"));
        Path sh = Files.writeString(dir.resolve("steps.sh"), script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(sh, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (withKernelPackages) {
            Path from = Fixtures.liveIso().resolveSibling("kernel-update");
            Path to = Files.createDirectories(dir.resolve("kernel-update"));
            for (String f : Files.readAllLines(from.resolve("install-order"))) {
                Files.copy(from.resolve(f), to.resolve(f));
            }
            Files.copy(from.resolve("install-order"), to.resolve("install-order"));
        }
        Path disk = tmp.resolve(name + "-steps.img");
        Fixtures.RUNNER.run(Command.of("mkfs.ext4", "-q", "-F", "-L", DiskImages.STEPS_LABEL, "-d", dir.toString(), disk.toString(), "96M")
                .fromPackage("e2fsprogs"));
        return disk;
    }

    /**
     * The machine: Secure Boot with Microsoft's keys (shim-distro); for mok the owner's PK and KEK with the MOK certificate
     * and Microsoft's db entries in db. MokList cannot be pre-seeded without a person at MokManager, and shim checks db as
     * well as MokList, so this is the same shim code path that accepts a MOK-signed GRUB and kernel.
     */
    Machine machine(Path stepsDisk) {
        Machine.Builder m = mok() ? Machine.builder(Firmware.UEFI_SECUREBOOT_CUSTOM).secureBootKeys(vars, true)
                : Machine.builder(Firmware.UEFI_SECUREBOOT_MS);
        return m.bootDisk(img, false).disk(stepsDisk, true).build();
    }

    /** Boots the stick under Secure Boot ({@link #machine}) with a steps disk, types the passphrase if any, waits for the agent's done. */
    Boot boot(String name, Path stepsDisk, Duration toDone) throws Exception {
        Boot b = machine(stepsDisk).boot(name);
        try {
            if (encrypted) {
                LuksPersistence.unlock(b, TO_PROMPT);
            }
            b.awaitMarker("done", toDone);
            b.assertSecureBootEnforced();
            assertEquals(encrypted ? LuksPersistence.MOUNTED : PLAIN_MOUNTED, b.markers().get("persistence"), b.markers().toString());
            return b;
        } catch (RuntimeException | Error e) {
            b.close();
            throw e;
        }
    }

    void finish(Boot b, String name) {
        b.awaitPowerOff(Duration.ofMinutes(3));
        seconds.append(String.format(" %s=%.0f", name, b.elapsedSeconds()));
    }

    StickStatus status() throws Exception {
        return updates.status(img);
    }

    static SlotInfo slotHolding(StickStatus s, String release) {
        return s.slots().stream().filter(x -> release.equals(x.version())).findFirst()
                .orElseThrow(() -> new AssertionError("no slot holds " + release + ": " + s));
    }

    @Test
    @Order(1)
    void boot1InstallsTheNewKernelPackageAndTheHookPutsItIntoSlotBOnTrial() throws Exception {
        image();
        Path disk = steps("install", WAIT_FOR_BLESS + """
                cd "$LIVENG_STEPS_DIR/kernel-update"
                start=$(date +%s)
                DEBIAN_FRONTEND=noninteractive dpkg -i $(cat install-order)
                echo "dpkg-exit=$? seconds=$(( $(date +%s) - start ))"
                ls -l /boot
                df -m /run/live/persistence/* 2>/dev/null | tail -n 1
                """, true);
        try (Boot b = boot("kernel-update-install", disk, TO_INSTALLED)) {
            Map<String, String> k = b.markers();
            assertEquals(isoRelease(), k.get("kernel-release"), "boot 1 runs slot A's kernel: " + k);
            assertTrue((" " + k.get("cmdline") + " ").contains(" liveng.slot=a "), k.toString());
            String console = b.consoleText();
            assertTrue(console.contains("slot a is good") || console.contains("already good"), "bless of a good slot is a no-op: " + b.tail(40));
            assertTrue(console.contains("dpkg-exit=0"), "the kernel packages install, hook included: " + b.tail(60));
            assertTrue(console.contains("kernel " + newRelease() + " written to LIVENG_KERNEL_B"), "the hook's liveng kernel install: "
                    + b.tail(60));
            assertEquals("0", k.get("step-exit"), k.toString());
            finish(b, "boot1-install");
        }
        StickStatus s = status();
        SlotInfo b = slotHolding(s, newRelease());
        assertEquals("LIVENG_KERNEL_B", b.partition(), s.toString());
        assertTrue(b.valid(), s.toString());
        assertEquals(BootState.Status.TRIAL, s.state().slots().get(b.id()).status(), s.toString());
        assertEquals(b.id(), s.state().order().get(0), "slot B boots next: " + s);
        if (mok()) {
            // signed on the stick with its MOK key, in place of Debian's signature (so boot 2 proves shim takes the MOK's)
            Path vmlinuz = slotFile(b.partition(), "/live/vmlinuz");
            String cert = keys.certificateFile("mok").toString();
            Fixtures.RUNNER.run(Command.of("sbverify", "--cert", cert, vmlinuz.toString()).fromPackage("sbsigntool"));
            String list = Fixtures.RUNNER.run(Command.of("sbverify", "--list", vmlinuz.toString()).fromPackage("sbsigntool")).stdoutText();
            assertEquals(1, list.lines().filter(l -> l.startsWith("signature ")).count(), "only the MOK's signature: " + list);
        }
    }

    /** The file {@code path} of the ISO 9660 filesystem in kernel slot {@code partition}, copied out by xorriso. */
    Path slotFile(String partition, String path) throws Exception {
        Path iso = ForgeTest.extract(img, part(partition), tmp.resolve(partition + ".iso"));
        Path out = tmp.resolve(partition + "-" + Path.of(path).getFileName());
        Files.deleteIfExists(out);
        Fixtures.run("xorriso", "-osirrox", "on", "-indev", iso.toString(), "-extract", path, out.toString());
        Files.delete(iso);
        return out;
    }

    @Test
    @Order(2)
    void boot2RunsTheNewKernelAndTheBlessUnitMarksSlotBGood() throws Exception {
        Path disk = steps("bless", "uname -r\n" + WAIT_FOR_BLESS, false);
        try (Boot b = boot("kernel-update-new-kernel", disk, TO_DONE)) {
            Map<String, String> k = b.markers();
            assertEquals(newRelease(), k.get("kernel-release"), "uname -r: the kernel installed on boot 1: " + k);
            assertTrue((" " + k.get("cmdline") + " ").contains(" liveng.slot=b "), k.toString());
            assertTrue(b.consoleText().contains("slot b is good"), "the bless unit: " + b.tail(40));
            assertTrue(b.consoleText().contains("bless-unit=active result=success"), b.tail(40));
            finish(b, "boot2-new-kernel");
        }
        StickStatus s = status();
        SlotInfo b = slotHolding(s, newRelease());
        assertEquals(BootState.Status.GOOD, s.state().slots().get(b.id()).status(), s.toString());
    }

    @Test
    @Order(3)
    void boot3WithSlotBsKernelCorruptedThePreviousKernelBootsByItself() throws Exception {
        StickStatus before = status();
        SlotInfo slotB = slotHolding(before, newRelease());
        DiskImages.tamperIsoFile(img, part(slotB.partition()), "/live/vmlinuz", tmp);
        Path disk = steps("rollback", WAIT_FOR_BLESS, false);
        try (Boot b = boot("kernel-update-rollback", disk, TO_DONE)) {
            Map<String, String> k = b.markers();
            assertEquals(isoRelease(), k.get("kernel-release"), "the previous kernel (slot A, the ISO's): " + k);
            assertTrue((" " + k.get("cmdline") + " ").contains(" liveng.slot=a "), k.toString());
            assertFalse(k.get("cmdline").contains("liveng-fallback"), k.toString());
            assertFalse(b.consoleText().contains("Falling back to `liveng: kernel slot B'"), "the refused slot is not tried twice: "
                    + b.tail(80));
            finish(b, "boot3-rollback");
        }
    }

    @Test
    @Order(4)
    void boot4TheFallbackEntryBootsTheOriginalKernel() throws Exception {
        long espOffset = part("LIVENG_EFI").firstLba() * 512;
        String esp = img + "@@" + espOffset;
        Path env = tmp.resolve("grubenv");
        Fixtures.run("mcopy", "-n", "-i", esp, "::/liveng/grubenv", env.toString());
        Fixtures.run("grub-editenv", env.toString(), "set", "liveng_a_status=bad", "liveng_b_status=bad");
        Fixtures.run("mcopy", "-o", "-i", esp, env.toString(), "::/liveng/grubenv");
        Path disk = steps("fallback", WAIT_FOR_BLESS, false);
        try (Boot b = boot("kernel-update-fallback", disk, TO_DONE)) {
            Map<String, String> k = b.markers();
            assertTrue(k.get("cmdline").contains("liveng-fallback"), "the fallback entry: " + k);
            assertTrue(k.get("cmdline").startsWith("BOOT_IMAGE=/live/vmlinuz-" + isoRelease()), "the ISO's original kernel: " + k);
            assertEquals(isoRelease(), k.get("kernel-release"), k.toString());
            finish(b, "boot4-fallback");
        }
    }

    PartitionPlan part(String name) {
        return ForgeTest.part(plan, name);
    }
}
