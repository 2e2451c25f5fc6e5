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
import org.liveng.api.kernel.KernelUpdates;
import org.liveng.api.kernel.UpdateResult;
import org.liveng.api.plan.ForgeRequest;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.ImagePlan;
import org.liveng.api.plan.Progress;
import org.liveng.api.recipe.Recipe;
import org.liveng.testing.Oracles;
import org.liveng.testing.boot.Boot;
import org.liveng.testing.boot.DiskImages;
import org.liveng.testing.boot.Firmware;
import org.liveng.testing.boot.Machine;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * GRUB's own fallback, on a real boot: slot B gets the newer kernel from the host and boots next on trial; its kernel is
 * then corrupted, shim refuses it under Secure Boot (Microsoft's keys), and GRUB boots slot A by itself through the
 * menu's {@code set fallback} (entry numbers: GRUB does not take ids there). One boot, plain persistence.
 */
@ExtendWith(ServiceExtension.class)
class SlotFallbackBootTest {
    @InjectService(timeout = 5000)
    ImageForge forge;

    @InjectService(timeout = 5000)
    KernelUpdates updates;

    @Test
    void aSlotWhoseKernelShimRefusesFallsBackToTheOtherSlot(@TempDir Path dir) throws Exception {
        KernelUpdateTest.fixture();
        Path img = dir.resolve("stick.img");
        ImagePlan plan = forge.forge(ForgeRequest.of(Fixtures.liveIso(), img, new Recipe(Map.of("reproducible.seed", "slot-fallback-boot-test",
                "persistence.size", "256M", "persistence.encryption", "none", "agent.install", "false", "boot.serial", "true",
                "boot.timeout", "1"))), Progress.NONE).plan();
        UpdateResult r = updates.update(img, Oracles.updateKernel(dir).image(), false);
        assertEquals("LIVENG_KERNEL_B", r.bootDefault(), r.toString());
        DiskImages.tamperIsoFile(img, ForgeTest.part(plan, "LIVENG_KERNEL_B"), "/live/vmlinuz", dir);
        Machine m = Machine.builder(Firmware.UEFI_SECUREBOOT_MS).bootDisk(img, false).build();
        try (Boot b = m.boot("slot-fallback")) {
            b.await("bad shim signature", Duration.ofMinutes(4));
            b.awaitMarker("done", Duration.ofMinutes(10));
            Map<String, String> markers = b.markers();
            assertEquals(KernelUpdateTest.update.getProperty("iso_kernel_release"), markers.get("kernel-release"), markers.toString());
            assertTrue((" " + markers.get("cmdline") + " ").contains(" liveng.slot=a "), "slot A, by GRUB's fallback: " + markers);
            assertFalse(b.consoleText().contains("Falling back to `liveng: kernel slot B'"), "the refused slot is not tried twice: "
                    + b.consoleText());
            b.awaitPowerOff(Duration.ofMinutes(2));
            System.out.printf("SlotFallbackBootTest boot seconds: %.0f%n", b.elapsedSeconds());
        }
    }
}
