package org.liveng.secureboot.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.kernel.KernelUpdates;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.recipe.Recipe;
import org.liveng.platform.exec.Command;
import org.liveng.testing.Oracles;
import org.liveng.verify.internal.ChainVerifier;
import org.liveng.verify.internal.Trust;
import org.liveng.verify.internal.VerifyCommand;
import org.liveng.verify.internal.VerifyReport;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * A kernel installed by an update has its modules in the persistence it was installed with: its slot manifest names
 * that partition's PARTUUID (sgdisk is the judge of the GUID), and {@code verify} fails naming the slot once the stick's
 * persistence is another one. The ISO's own kernel (modules in the live system) is bound to nothing.
 */
@ExtendWith(ServiceExtension.class)
class SlotPersistenceVerifyTest {
    @TempDir
    Path tmp;

    @InjectService(timeout = 5000)
    ImageForge forge;

    @InjectService(timeout = 5000)
    KernelUpdates updates;

    static VerifyReport.Slot slot(VerifyReport r, String name) {
        return r.slots().stream().filter(s -> s.partition().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + r));
    }

    /** The partition's number and unique GUID as sgdisk reports them. */
    static String[] sgdiskGuid(Path img, String name) {
        String table = Oracles.run(Command.of("sgdisk", "-p", img.toString()).fromPackage("gdisk")).stdoutText();
        Matcher m = Pattern.compile("(?m)^\\s*(\\d+)\\s+\\d+\\s+\\d+\\s+.*\\s" + Pattern.quote(name) + "\\s*$").matcher(table);
        assertTrue(m.find(), table);
        String info = Oracles.run(Command.of("sgdisk", "-i", m.group(1), img.toString()).fromPackage("gdisk")).stdoutText();
        Matcher g = Pattern.compile("Partition unique GUID: (\\S+)").matcher(info);
        assertTrue(g.find(), info);
        return new String[] { m.group(1), g.group(1).toLowerCase(Locale.ROOT) };
    }

    @Test
    void anUpdatedSlotIsBoundToItsPersistenceAndVerifyFailsWhenThatIsGone() throws Exception {
        Path img = tmp.resolve("stick.img");
        Sticks.forge(forge, new Recipe(Map.of("reproducible.seed", "slot-persistence", "persistence.size", "64M",
                "persistence.encryption", "none")), img);
        ChainVerifier.Options microsoft = new ChainVerifier.Options(Trust.microsoft(), Trust.empty("none"), Trust.empty("no dbx"), Map.of());
        VerifyReport fresh = ChainVerifier.verify(img, microsoft);
        assertTrue(fresh.ok(), fresh.toString());
        assertEquals("system", slot(fresh, "LIVENG_KERNEL_A").modules(), fresh.toString());

        updates.update(img, Oracles.updateKernel(tmp.resolve("update")).image(), false);
        String[] persistence = sgdiskGuid(img, "persistence");
        VerifyReport updated = ChainVerifier.verify(img, microsoft);
        assertTrue(updated.ok(), updated.toString());
        VerifyReport.Slot b = slot(updated, "LIVENG_KERNEL_B");
        assertEquals("persistence", b.modules());
        assertEquals(persistence[1], b.persistence(), "the slot names the persistence it was installed with");
        assertTrue(slot(updated, "LIVENG_KERNEL_A").ok());

        // the persistence is re-created (a new partition GUID): slot B's modules are gone with the old one
        Oracles.run(Command.of("sgdisk", "-u", persistence[0] + ":R", img.toString()).fromPackage("gdisk"));
        String now = sgdiskGuid(img, "persistence")[1];
        assertFalse(now.equals(persistence[1]));
        VerifyReport after = ChainVerifier.verify(img, microsoft);
        assertFalse(after.ok(), after.toString());
        assertFalse(slot(after, "LIVENG_KERNEL_B").ok());
        assertTrue(after.failures().stream().anyMatch(f -> f.startsWith("LIVENG_KERNEL_B:") && f.contains(persistence[1]) && f.contains(now)),
                after.failures().toString());
        assertTrue(slot(after, "LIVENG_KERNEL_A").ok(), "the ISO's kernel needs no persistence");
        String text = VerifyCommand.render(after);
        assertTrue(text.contains("FAIL  LIVENG_KERNEL_B") && text.contains("verify: FAILS"), text);
    }
}
