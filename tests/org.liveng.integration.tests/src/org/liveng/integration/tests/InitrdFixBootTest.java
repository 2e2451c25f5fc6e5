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
import org.liveng.api.recipe.Recipe;
import org.liveng.testing.Oracles;
import org.liveng.testing.boot.Boot;
import org.liveng.testing.boot.DiskImages;
import org.liveng.testing.boot.Firmware;
import org.liveng.testing.boot.LuksPersistence;
import org.liveng.testing.boot.Machine;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The ISO whose initrd lacks cryptsetup, forged with initrd.add-cryptsetup=true, boots under UEFI
 * Secure Boot (Microsoft's keys) from kernel slot A with the augmented initrd: first with plain
 * persistence (the appended archive does not disturb the boot), then with LUKS2 persistence, whose
 * passphrase live-boot asks for on the serial console and which it mounts from the unlocked device.
 * The second also finds the live system's /etc/cryptsetup-initramfs/conf-hook served from the persistent
 * overlay with CRYPTSETUP=y (initrds rebuilt on the device keep cryptsetup). It needs the luks2
 * persistence encryption provider and fails without it. Cheap KDF costs,
 * since the guest runs under TCG.
 */
@ExtendWith(ServiceExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InitrdFixBootTest {
    static final Duration TO_PROMPT = Duration.ofMinutes(6);
    static final Duration TO_DONE = Duration.ofMinutes(6);
    static final Recipe RECIPE = new Recipe(Map.of("reproducible.seed", "initrd-fix-boot-test", "persistence.size", "128M",
            "boot.serial", "true", "boot.timeout", "1", "initrd.add-cryptsetup", "true"));

    @TempDir
    static Path tmp;

    @InjectService(timeout = 5000)
    ImageForge forge;

    Path forged(String name, Recipe recipe) throws Exception {
        Path p = tmp.resolve(name);
        LuksPersistence.forge(forge, ForgeRequest.of(Oracles.liveIsoWithoutCryptsetup(), p, recipe));
        return p;
    }

    static void assertSlotA(Map<String, String> k) {
        assertTrue(k.get("cmdline").startsWith("BOOT_IMAGE=/live/vmlinuz boot=live"), "kernel from the slot: " + k);
        assertFalse(k.get("cmdline").contains("liveng-fallback"), k.toString());
    }

    @Test
    @Order(1)
    void theAugmentedInitrdBootsTheLiveSystemWithPlainPersistence() throws Exception {
        Path img = forged("plain.img", RECIPE.with("persistence.encryption", "none"));
        Machine m = Machine.builder(Firmware.UEFI_SECUREBOOT_MS).bootDisk(img, false).build();
        try (Boot b = m.boot("initrd-fix-plain")) {
            b.awaitMarker("done", TO_PROMPT.plus(TO_DONE));
            b.assertSecureBootEnforced();
            Map<String, String> k = b.markers();
            assertSlotA(k);
            assertEquals("mounted device=/dev/vda6", k.get("persistence"), k.toString());
            b.awaitPowerOff(Duration.ofMinutes(2));
        }
    }

    @Test
    @Order(2)
    void luks2PersistenceIsUnlockedByTheAugmentedInitrd() throws Exception {
        Recipe luks = LuksPersistence.withCheapKdf(RECIPE.with("persistence.encryption", "luks2"));
        Path img = forged("luks2.img", luks);
        // inside the live system: /etc/cryptsetup-initramfs/conf-hook is the persistent overlay's, with CRYPTSETUP=y
        Path steps = DiskImages.stepsDisk(tmp.resolve("steps.img"), String.join("\n",
                "hook=/etc/cryptsetup-initramfs/conf-hook",
                "for upper in /run/live/persistence/*/rw$hook; do",
                "  [ -f \"$upper\" ] && cmp -s \"$upper\" \"$hook\" && echo \"conf-hook from the overlay: $(grep '^CRYPTSETUP=' \"$hook\")\"",
                "done", ""));
        Machine m = Machine.builder(Firmware.UEFI_SECUREBOOT_MS).bootDisk(img, false).disk(steps, true).build();
        try (Boot b = m.boot("initrd-fix-luks2")) {
            LuksPersistence.unlock(b, TO_PROMPT);
            b.await("LIVENG-STEP: conf-hook from the overlay: CRYPTSETUP=y", TO_DONE);
            b.awaitMarker("done", TO_DONE);
            b.assertSecureBootEnforced();
            Map<String, String> k = b.markers();
            assertSlotA(k);
            assertTrue(k.get("cmdline").contains("persistence-encryption=luks"), k.toString());
            assertEquals(LuksPersistence.MOUNTED, k.get("persistence"), "persistence from the unlocked LUKS device: " + k);
            b.awaitPowerOff(Duration.ofMinutes(2));
        }
    }
}
