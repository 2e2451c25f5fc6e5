package org.liveng.integration.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.plan.ForgeRequest;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.ImagePlan;
import org.liveng.api.plan.Progress;
import org.liveng.api.recipe.Recipe;
import org.liveng.testing.boot.Boot;
import org.liveng.testing.boot.Firmware;
import org.liveng.testing.boot.Machine;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * A forged stick boots on real firmware: UEFI Secure Boot with Microsoft's keys and SeaBIOS reach the
 * live system from kernel slot A, persistence written on the first boot is there on the second, and
 * with slot A marked bad GRUB falls back by itself to the ISO's original kernel with liveng-fallback.
 * Three boots of one image, in order.
 */
@ExtendWith(ServiceExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ForgeBootTest {
    static final Duration TO_SYSTEM_UP = Duration.ofMinutes(6);
    static final Duration TO_DONE = Duration.ofMinutes(3);
    static final Recipe RECIPE = new Recipe(Map.of("reproducible.seed", "forge-boot-test", "persistence.size", "256M",
            "boot.serial", "true", "boot.timeout", "1", "persistence.encryption", "none"));

    @TempDir
    static Path tmp;
    static Path img;
    static ImagePlan plan;

    @InjectService(timeout = 5000)
    ImageForge forge;

    Path image() throws Exception {
        if (img == null) {
            Path p = tmp.resolve("stick.img");
            plan = forge.forge(ForgeRequest.of(Fixtures.liveIso(), p, RECIPE), Progress.NONE).plan();
            img = p;
        }
        return img;
    }

    @Test
    @Order(1)
    void uefiSecureBootBootsSlotAWithPersistence() throws Exception {
        Machine m = Machine.builder(Firmware.UEFI_SECUREBOOT_MS).bootDisk(image(), false).build();
        try (Boot b = m.boot("forge-uefi-secureboot")) {
            b.awaitMarker("done", TO_SYSTEM_UP.plus(TO_DONE));
            b.assertSecureBootEnforced();
            Map<String, String> k = b.markers();
            assertTrue(k.get("cmdline").startsWith("BOOT_IMAGE=/live/vmlinuz boot=live"), "kernel from the slot: " + k);
            assertFalse(k.get("cmdline").contains("liveng-fallback"), k.toString());
            assertTrue((" " + k.get("cmdline") + " ").contains(" liveng.slot=a "), "the slot entry names its slot: " + k);
            assertTrue(k.get("cmdline").contains("live-media=/dev/disk/by-partuuid/"
                    + ForgeTest.part(plan, "LIVENG_SYSTEM").uuid().toLowerCase()), k.toString());
            assertEquals("mounted device=/dev/vda6", k.get("persistence"), "persistence from the 6th partition: " + k);
            assertEquals("absent", k.get("marker"), "first boot: " + k);
            b.awaitPowerOff(Duration.ofMinutes(2));
        }
    }

    @Test
    @Order(2)
    void biosBootsSlotAAndFindsWhatTheFirstBootWrote() throws Exception {
        Machine m = Machine.builder(Firmware.BIOS).bootDisk(image(), false).build();
        try (Boot b = m.boot("forge-bios")) {
            b.awaitMarker("done", TO_SYSTEM_UP.plus(TO_DONE));
            Map<String, String> k = b.markers();
            assertEquals("bios", k.get("firmware"), k.toString());
            assertTrue(k.get("cmdline").startsWith("BOOT_IMAGE=/live/vmlinuz boot=live"), k.toString());
            assertEquals("mounted device=/dev/vda6", k.get("persistence"), "persistence from the 6th partition: " + k);
            assertEquals("present", k.get("marker"), "the marker of the first boot survived in persistence: " + k);
            b.awaitPowerOff(Duration.ofMinutes(2));
        }
    }

    @Test
    @Order(3)
    void withSlotAMarkedBadGrubFallsBackToTheOriginalKernel() throws Exception {
        Path disk = image();
        long espOffset = ForgeTest.part(plan, "LIVENG_EFI").firstLba() * 512;
        String esp = disk + "@@" + espOffset;
        Path env = tmp.resolve("grubenv");
        Fixtures.run("mcopy", "-n", "-i", esp, "::/liveng/grubenv", env.toString());
        Fixtures.run("grub-editenv", env.toString(), "set", "liveng_a_status=bad");
        Fixtures.run("mcopy", "-o", "-i", esp, env.toString(), "::/liveng/grubenv");
        Machine m = Machine.builder(Firmware.BIOS).bootDisk(disk, false).build();
        try (Boot b = m.boot("forge-fallback")) {
            b.awaitMarker("done", TO_SYSTEM_UP.plus(TO_DONE));
            Map<String, String> k = b.markers();
            assertTrue(k.get("cmdline").contains("liveng-fallback"), "booted the fallback entry: " + k);
            assertFalse(k.get("cmdline").contains("liveng.slot"), "the fallback entry names no slot: " + k);
            assertTrue(k.get("cmdline").startsWith("BOOT_IMAGE=/live/vmlinuz-6.1.0-50-cloud-amd64"), "the ISO's original kernel: " + k);
            assertEquals("mounted device=/dev/vda6", k.get("persistence"), "persistence from the 6th partition: " + k);
            b.awaitPowerOff(Duration.ofMinutes(2));
        }
    }
}
