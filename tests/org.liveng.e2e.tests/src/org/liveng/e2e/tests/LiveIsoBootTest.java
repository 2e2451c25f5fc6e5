package org.liveng.e2e.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.testing.boot.Boot;
import org.liveng.testing.boot.DiskImages;
import org.liveng.testing.boot.Firmware;
import org.liveng.testing.boot.Machine;

/**
 * The genuine Debian live ISO, written raw to a disk image, boots to its test agent's report under
 * UEFI Secure Boot with Microsoft's keys (shim, GRUB and kernel verified) and under SeaBIOS.
 * Two full boots of ~90 s each (TCG).
 */
class LiveIsoBootTest {
    static final Duration TO_SYSTEM_UP = Duration.ofMinutes(6);
    static final Duration TO_DONE = Duration.ofMinutes(3);
    static final Duration TO_POWER_OFF = Duration.ofMinutes(2);

    @TempDir
    static Path tmp;
    static Path disk;

    @BeforeAll
    static void writeIsoToDisk() throws Exception {
        disk = DiskImages.writeRaw(E2eFixtures.liveIso(), tmp.resolve("live-disk.img"));
    }

    @Test
    void bootsUnderSecureBootWithMicrosoftKeys(TestInfo info) throws Exception {
        Machine m = Machine.builder(Firmware.UEFI_SECUREBOOT_MS).bootDisk(disk, true).build();
        try (Boot b = m.boot(E2eFixtures.name(info))) {
            b.awaitMarker("system-up", TO_SYSTEM_UP);
            b.awaitMarker("done", TO_DONE);
            b.assertSecureBootEnforced();
            Map<String, String> markers = b.markers();
            assertEquals("enabled", markers.get("secureboot"), b.tail(Boot.TAIL_LINES));
            assertEquals("uefi", markers.get("firmware"), b.tail(Boot.TAIL_LINES));
            assertTrue(markers.get("cmdline").contains("boot=live"), markers.toString());
            b.awaitPowerOff(TO_POWER_OFF);
            report(b);
        }
    }

    @Test
    void bootsUnderBiosAndRunsHostSteps(TestInfo info) throws Exception {
        Path steps = DiskImages.stepsDisk(tmp.resolve("steps.img"),
                "echo \"steps say hello from $(uname -r)\"\nexit 7\n");
        Machine m = Machine.builder(Firmware.BIOS).bootDisk(disk, true).disk(steps, true).build();
        try (Boot b = m.boot(E2eFixtures.name(info))) {
            b.awaitMarker("system-up", TO_SYSTEM_UP);
            b.await("LIVENG-STEP: steps say hello from ", TO_DONE);
            b.awaitMarker("done", TO_DONE);
            Map<String, String> markers = b.markers();
            assertEquals("bios", markers.get("firmware"), b.tail(Boot.TAIL_LINES));
            assertEquals("disabled", markers.get("secureboot"), b.tail(Boot.TAIL_LINES));
            assertEquals("7", markers.get("step-exit"), b.tail(Boot.TAIL_LINES));
            b.awaitPowerOff(TO_POWER_OFF);
            report(b);
        }
    }

    private static void report(Boot b) {
        System.out.println(String.format(Locale.ROOT, "boot %s (%s): system-up after %.1f s, done after %.1f s, log %s",
                b.name(), b.machine().firmware(), b.secondsTo("system-up"), b.secondsTo("done"), b.logFile()));
    }
}
