package org.liveng.e2e.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.testing.boot.Boot;
import org.liveng.testing.boot.Firmware;
import org.liveng.testing.boot.HostTools;
import org.liveng.testing.boot.Machine;

/** The harness itself: how it fails (a few seconds of OVMF on an empty disk, no OS). */
class BootHarnessTest {

    @Test
    void failuresCarryTheConsoleTailAndQemuEndingIsNoticed(TestInfo info, @TempDir Path tmp) throws Exception {
        Path empty = tmp.resolve("empty.img");
        try (var ch = Files.newByteChannel(empty, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.position(1024 * 1024 - 1).write(java.nio.ByteBuffer.wrap(new byte[1]));
        }
        Machine m = Machine.builder(Firmware.UEFI).bootDisk(empty).memoryMib(512).build();
        try (Boot b = m.boot(E2eFixtures.name(info))) {
            b.await("BdsDxe", Duration.ofMinutes(2));
            AssertionError timeout = assertThrows(AssertionError.class,
                    () -> b.awaitMarker("done", Duration.ofSeconds(3)));
            assertTrue(timeout.getMessage().contains("within 3 s"), timeout.getMessage());
            assertTrue(timeout.getMessage().contains("--- last console lines ---"), timeout.getMessage());
            assertTrue(timeout.getMessage().contains("BdsDxe"), timeout.getMessage());
            assertTrue(timeout.getMessage().contains(b.logFile().toString()), timeout.getMessage());

            b.powerCut();
            assertFalse(b.isRunning());
            AssertionError ended = assertThrows(AssertionError.class, () -> b.await("never printed", Duration.ofMinutes(1)));
            assertTrue(ended.getMessage().contains("QEMU ended (exit status 137)"), ended.getMessage());
            assertThrows(AssertionError.class, b::assertSecureBootEnforced);
            assertTrue(b.markers().isEmpty());
        }
        assertTrue(Files.size(m.logDir().resolve(E2eFixtures.name(info) + "-1.log")) > 0);
    }

    @Test
    void missingToolsAreFailuresNamingThePackage() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> HostTools.requireProgram("liveng-no-such-program", "liveng-no-such-package"));
        assertTrue(e.getMessage().contains("install liveng-no-such-package"), e.getMessage());
        AssertionError f = assertThrows(AssertionError.class,
                () -> HostTools.requireFile(Path.of("/usr/share/OVMF/liveng-no-such-file.fd"), "ovmf"));
        assertTrue(f.getMessage().contains("install ovmf"), f.getMessage());
        assertEquals(Path.of("/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"), Firmware.UEFI_SECUREBOOT_MS.code());
    }
}
