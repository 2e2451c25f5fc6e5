package org.liveng.integration.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.liveng.testing.boot.Boot;
import org.liveng.testing.boot.Firmware;
import org.liveng.testing.boot.LuksPersistence;
import org.liveng.testing.boot.Machine;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Forged sticks with encrypted persistence boot under UEFI Secure Boot (Microsoft's keys): live-boot
 * asks for the passphrase on the serial console, refuses a wrong one and offers a retry, and with the
 * right one mounts the persistence from the LUKS device (/dev/mapper/vda6); what the first boot wrote
 * is there on the second. Then a LUKS1 stick unlocks the same way. Three boots; cheap KDF costs from
 * the recipe, since the guest runs under TCG.
 */
@ExtendWith(ServiceExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LuksBootTest {
    static final Duration TO_PROMPT = Duration.ofMinutes(6);
    static final Duration TO_DONE = Duration.ofMinutes(6);
    static final Recipe RECIPE = LuksPersistence.withCheapKdf(new Recipe(Map.of("reproducible.seed", "luks-boot-test",
            "persistence.size", "128M", "boot.serial", "true", "boot.timeout", "1")));

    @TempDir
    static Path tmp;
    static Path luks2;

    @InjectService(timeout = 5000)
    ImageForge forge;

    Path forged(String name, Recipe recipe) throws Exception {
        Path p = tmp.resolve(name);
        LuksPersistence.forge(forge, ForgeRequest.of(Fixtures.liveIso(), p, recipe));
        return p;
    }

    Path luks2() throws Exception {
        if (luks2 == null) {
            luks2 = forged("luks2.img", RECIPE);
        }
        return luks2;
    }

    @Test
    @Order(1)
    void aWrongPassphraseIsRefusedThenTheRightOneMountsTheLuks2Persistence() throws Exception {
        Machine m = Machine.builder(Firmware.UEFI_SECUREBOOT_MS).bootDisk(luks2(), false).build();
        try (Boot b = m.boot("luks2-wrong-then-right")) {
            b.await(LuksPersistence.PROMPT, TO_PROMPT);
            b.send("not the passphrase\n");
            b.await("There was an error decrypting /dev/vda6 ... Retry? [Y/n]", Duration.ofMinutes(3));
            b.send("y\n");
            LuksPersistence.unlock(b, TO_PROMPT);
            b.awaitMarker("done", TO_DONE);
            b.assertSecureBootEnforced();
            Map<String, String> k = b.markers();
            assertTrue(k.get("cmdline").contains("persistence-encryption=luks"), k.toString());
            assertEquals(LuksPersistence.MOUNTED, k.get("persistence"), "persistence from the unlocked LUKS device: " + k);
            assertEquals("absent", k.get("marker"), "first boot: " + k);
            b.awaitPowerOff(Duration.ofMinutes(2));
        }
    }

    @Test
    @Order(2)
    void theSecondBootFindsWhatTheFirstWroteInTheEncryptedPersistence() throws Exception {
        Machine m = Machine.builder(Firmware.UEFI_SECUREBOOT_MS).bootDisk(luks2(), false).build();
        try (Boot b = m.boot("luks2-second-boot")) {
            LuksPersistence.unlock(b, TO_PROMPT);
            b.awaitMarker("done", TO_DONE);
            Map<String, String> k = b.markers();
            assertEquals(LuksPersistence.MOUNTED, k.get("persistence"), k.toString());
            assertEquals("present", k.get("marker"), "the marker of the first boot survived in the LUKS2 persistence: " + k);
            b.awaitPowerOff(Duration.ofMinutes(2));
        }
    }

    @Test
    @Order(3)
    void aLuks1StickUnlocksAndMountsItsPersistence() throws Exception {
        Path img = forged("luks1.img", RECIPE.with("persistence.encryption", "luks1"));
        Machine m = Machine.builder(Firmware.UEFI_SECUREBOOT_MS).bootDisk(img, false).build();
        try (Boot b = m.boot("luks1")) {
            LuksPersistence.unlock(b, TO_PROMPT);
            b.awaitMarker("done", TO_DONE);
            b.assertSecureBootEnforced();
            Map<String, String> k = b.markers();
            assertEquals(LuksPersistence.MOUNTED, k.get("persistence"), "persistence from the unlocked LUKS1 device: " + k);
            b.awaitPowerOff(Duration.ofMinutes(2));
        }
    }
}
