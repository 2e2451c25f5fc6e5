package org.liveng.secureboot.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.LivengException;
import org.liveng.api.kernel.KernelImage;
import org.liveng.api.kernel.KernelUpdates;
import org.liveng.api.kernel.SlotInfo;
import org.liveng.api.kernel.UpdateResult;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.ImagePlan;
import org.liveng.keys.KeyDirectory;
import org.liveng.testing.Oracles;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The kernel update path of own-key sticks: a new Debian-signed kernel is re-signed with the owner's key before it
 * reaches the slot (judged by sbverify and osslsigncode), with the keys found where the host says they are now; when
 * the key cannot be had, the update fails and the stick is untouched.
 */
@ExtendWith(ServiceExtension.class)
class KernelReSignTest {
    @TempDir
    Path tmp;

    @InjectService(timeout = 5000)
    ImageForge forge;

    @InjectService(timeout = 5000)
    KernelUpdates updates;

    @Test
    void mokAndCustomPkSticksReSignTheNewKernelAndFailCleanWithoutTheKey() throws Exception {
        KernelImage kernel = Oracles.updateKernel(tmp.resolve("update")).image();
        String release = kernel.version();

        String[][] cases = { { "mok", "mok" }, { "custom-pk", "db" } };
        for (String[] c : cases) {
            Path forgedWith = tmp.resolve(c[0] + "-keys");
            KeyDirectory keys = Sticks.keys(forgedWith);
            Path img = tmp.resolve(c[0] + ".img");
            ImagePlan plan = Sticks.forge(forge, Sticks.recipe(c[0], keys, Map.of()), img);

            // The keys moved since forge: the plan's signing.keys points nowhere. Nothing may be written.
            Path movedTo = Files.move(forgedWith, tmp.resolve(c[0] + "-keys-moved"));
            byte[] before = sha256(img);
            LivengException e = assertThrows(LivengException.class, () -> updates.update(img, kernel, false));
            assertTrue(e.getMessage().contains(forgedWith.toString()) || e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
            assertTrue(java.util.Arrays.equals(before, sha256(img)), c[0] + ": the stick changed although the update failed");

            // Only key locations may be given, never another chain.
            LivengException wrong = assertThrows(LivengException.class,
                    () -> updates.update(img, kernel, false, Map.of("signing", "shim-distro")));
            assertTrue(wrong.getMessage().contains("signing"), wrong.getMessage());

            UpdateResult r = updates.update(img, kernel, false, Map.of("signing.keys", movedTo.toString()));
            assertEquals(release, r.version());
            SlotInfo slot = updates.status(img).slots().stream().filter(s -> s.id().equals(r.slot()) || s.partition().equals(r.slot())).findFirst().orElseThrow();
            assertTrue(slot.valid(), slot.problem());
            Path onStick = Sticks.slotFile(img, plan, slot.partition(), "/live/vmlinuz", tmp.resolve(c[0] + "-vmlinuz"));
            Path cert = new KeyDirectory(movedTo).certificateFile(c[1]);
            assertEquals(0, Sticks.sbverify(cert, onStick).exitCode(), c[0] + ": " + Sticks.signers(onStick));
            assertEquals(0, Sticks.osslsigncode(cert, onStick).exitCode(), c[0]);
            assertFalse(Sticks.signers(onStick).contains("Debian"), c[0] + ": the distro signature is replaced: " + Sticks.signers(onStick));
            Files.delete(img);
        }
    }

    /** The file's SHA-256, read in 1 MiB blocks: a stick image does not fit into the test heap twice. */
    static byte[] sha256(Path file) throws Exception {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }
}
