package org.liveng.integration.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.ProviderRegistry;
import org.liveng.api.kernel.KernelUpdates;
import org.liveng.api.kernel.SlotInfo;
import org.liveng.api.plan.ForgeRequest;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.ImagePlan;
import org.liveng.api.plan.Progress;
import org.liveng.api.recipe.Recipe;
import org.liveng.testing.boot.Boot;
import org.liveng.testing.boot.DiskImages;
import org.liveng.testing.boot.Firmware;
import org.liveng.testing.boot.Machine;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The agent's boot-time repair of a {@code second-partition} stick, proven by boots (issue 7). The stick (plain
 * persistence, the agent placed by forge, UEFI Secure Boot with Microsoft's keys) has its kernel partition damaged on the
 * host (one byte range of the kernel changed). Boot 1: shim refuses that kernel, GRUB falls back to the fallback entry
 * (the ISO's kernel, liveng-fallback) by itself, and {@code liveng-repair.service} rewrites the kernel partition from the
 * kernel installed in the live system's {@code /boot}; the host's slot reader finds it valid again, and the model of the
 * GRUB menu boots it by default. One boot (about 3 minutes under emulation).
 */
@ExtendWith(ServiceExtension.class)
class KernelRepairBootTest {
    @InjectService(timeout = 5000)
    ImageForge forge;

    @InjectService(timeout = 5000)
    KernelUpdates updates;

    @InjectService(timeout = 5000)
    ProviderRegistry registry;

    @Test
    void aFallbackBootRepairsTheDamagedKernelPartition(@TempDir Path tmp) throws Exception {
        KernelUpdateTest.fixture();
        String release = KernelUpdateBoots.isoRelease();
        Path img = tmp.resolve("stick.img");
        Recipe recipe = KernelUpdateBoots.RECIPE.with("persistence.encryption", "none").with("persistence.size", "256M")
                .with("kernel.strategy", "second-partition");
        ImagePlan plan = forge.forge(ForgeRequest.of(Fixtures.liveIso(), img, AgentForgeTest.withAgent(recipe)), Progress.NONE).plan();
        DiskImages.tamperIsoFile(img, ForgeTest.part(plan, "LIVENG_KERNEL"), "/live/vmlinuz", tmp);
        SlotInfo damaged = updates.status(img).slots().get(0);
        assertFalse(damaged.valid(), "the kernel partition is damaged before the boot: " + damaged);

        Path steps = KernelUpdateBoots.stepsDisk(tmp, "repair", KernelUpdateBoots.waitForUnit("repair") + KernelUpdateBoots.WAIT_FOR_BLESS,
                false);
        try (Boot b = Machine.builder(Firmware.UEFI_SECUREBOOT_MS).bootDisk(img, false).disk(steps, true).build()
                .boot("kernel-repair-fallback")) {
            b.awaitMarker("done", Duration.ofMinutes(10));
            b.assertSecureBootEnforced();
            Map<String, String> k = b.markers();
            assertTrue(k.get("persistence").startsWith("mounted "), k.toString());
            assertTrue(k.get("cmdline").contains("liveng-fallback"), "GRUB fell back to the fallback entry by itself: " + k);
            assertEquals(release, k.get("kernel-release"), k.toString());
            String console = b.consoleText();
            assertTrue(console.contains("bad shim signature"), b.tail(60));
            assertFalse(console.contains("Falling back to `liveng: kernel'"), "the refused entry is not tried twice: " + console);
            assertTrue(console.contains("repair-unit=active result=success"), b.tail(40));
            assertTrue(console.contains("rewritten in place with kernel " + release), "the repair unit: " + b.tail(40));
            b.awaitPowerOff(Duration.ofMinutes(3));
        }
        SlotInfo repaired = updates.status(img).slots().get(0);
        assertTrue(repaired.valid(), "the host's slot reader: " + repaired);
        assertEquals(release, repaired.version(), repaired.toString());
        assertEquals("ok k " + release, KernelRepairTest.boot(img, registry), "the next normal boot starts the repaired kernel");
    }
}
