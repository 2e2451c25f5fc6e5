package org.liveng.integration.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.Secret;
import org.liveng.api.plan.ForgeRequest;
import org.liveng.api.plan.ForgeResult;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.Progress;
import org.liveng.api.recipe.Recipe;
import org.liveng.format.luks2.ContainerRegion;
import org.liveng.format.luks2.CryptChannel;
import org.liveng.format.luks2.Luks2Container;
import org.liveng.format.luks2.Unlocked;
import org.liveng.platform.exec.Command;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * {@code agent.install}: forge places the on-stick agent the build made (product/target/agent) into the persistence's
 * overlay, judged by debugfs and e2fsck on the ext4 (for LUKS2, on the plaintext our reader decrypts): the files with
 * their modes, owned by root, the bless unit's enablement symlink, the package in /var/cache/liveng, no real /lib that
 * would hide the system's; the manifest names the version; too small a persistence and a missing agent are refused.
 */
@ExtendWith(ServiceExtension.class)
class AgentForgeTest {
    static final Recipe RECIPE = new Recipe(Map.of("reproducible.seed", "agent-forge-test", "reproducible.source-date-epoch", "1704067200",
            "persistence.size", "256M", "persistence.encryption", "none"));

    @InjectService(timeout = 5000)
    ImageForge forge;

    static Recipe withAgent(Recipe r) {
        return r.with("agent.install", "true").with("agent.path", AgentPackageTest.agent().toString());
    }

    @Test
    void thePlainPersistenceHoldsTheAgentTreeWithModesOwnerAndTheEnabledUnit(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("stick.img");
        ForgeResult r = forge.forge(ForgeRequest.of(Fixtures.liveIso(), img, withAgent(RECIPE)), Progress.NONE);
        Path fs = ForgeTest.extract(img, ForgeTest.part(r.plan(), "persistence"), dir.resolve("persistence.ext4"));
        assertAgentIn(fs, dir);
        JsonObject manifest = JsonParser.parseString(Files.readString(r.manifest())).getAsJsonObject();
        String version = AgentPackageTest.deb().getFileName().toString().replaceAll("^liveng-agent_(.+)_amd64\\.deb$", "$1");
        assertEquals(version, manifest.getAsJsonObject("agent").get("version").getAsString(), manifest.toString());
        assertTrue(r.plan().notes().stream().anyMatch(n -> n.startsWith("agent: liveng-agent " + version + " into the persistence")),
                r.plan().notes().toString());
        // the stick's own plan keeps no host path of the agent
        String plan = Fixtures.run("mtype", "-i", img + "@@" + ForgeTest.part(r.plan(), "LIVENG_EFI").firstLba() * 512, "::/liveng/plan.json");
        assertFalse(plan.contains("agent.path"), plan);
    }

    @Test
    void theLuks2PersistenceHoldsTheAgentInItsPlaintext(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("stick.img");
        Recipe luks = withAgent(RECIPE.with("persistence.encryption", "luks2").with("persistence.kdf-memory", "32M")
                .with("persistence.kdf-parallel", "1").with("persistence.kdf-iterations", "1000"));
        ForgeResult r;
        try (Secret s = LuksForgeTest.passphrase()) {
            r = forge.forge(ForgeRequest.of(Fixtures.liveIso(), img, luks).withPassphrase(s), Progress.NONE);
        }
        Path region = ForgeTest.extract(img, ForgeTest.part(r.plan(), "persistence"), dir.resolve("persistence.luks"));
        assertAgentIn(plaintext(region, dir.resolve("plain.ext4")), dir);
    }

    /** The plaintext of a LUKS2 persistence region (the test passphrase), as our LUKS2 reader decrypts it, into {@code plain}. */
    static Path plaintext(Path region, Path plain) throws Exception {
        try (FileChannel ch = FileChannel.open(region, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(plain, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Luks2Container l = Luks2Container.open(ContainerRegion.whole(ch));
            try (Unlocked u = l.unlock(LuksForgeTest.passphrase()); CryptChannel data = l.openData(u.key())) {
                LuksForgeTest.copy(data, out);
            }
        }
        return plain;
    }

    /** debugfs's {@code stat} of a path in an ext4 image: mode, owner and type as the kernel will see them. */
    static String stat(Path fs, String path) throws LivengException {
        return Fixtures.run("debugfs", "-R", "stat " + path, fs.toString());
    }

    static void assertMode(Path fs, String path, String type, String mode) throws LivengException {
        String s = stat(fs, path);
        Matcher m = Pattern.compile("Type: (\\S+)\\s+Mode:\\s+(\\d+)").matcher(s);
        assertTrue(m.find(), path + ": " + s);
        assertEquals(type + " " + mode, m.group(1) + " " + m.group(2), path);
        assertTrue(Pattern.compile("User:\\s+0\\s+Group:\\s+0\\b").matcher(s).find(), path + " owned by root: " + s);
    }

    static void assertAgentIn(Path fs, Path dir) throws Exception {
        Fixtures.run("e2fsck", "-fn", fs.toString());
        assertEquals("/ union\n", Fixtures.run("debugfs", "-R", "cat /persistence.conf", fs.toString()));
        // directories of the overlay's upper layer shadow the system's: 0755 root, like the system's own
        for (String d : new String[] { "/rw", "/rw/etc", "/rw/usr", "/rw/usr/sbin", "/rw/usr/lib/systemd/system", "/rw/opt/liveng",
                "/rw/var/cache/liveng" }) {
            assertMode(fs, d, "directory", "0755");
        }
        assertMode(fs, "/rw/usr/sbin/liveng", "regular", "0755");
        assertMode(fs, "/rw/etc/kernel/postinst.d/zz-liveng", "regular", "0755");
        assertMode(fs, "/rw/opt/liveng/runtime/bin/java", "regular", "0755");
        assertMode(fs, "/rw/opt/liveng/product/bin/liveng", "regular", "0755");
        assertMode(fs, "/rw/usr/lib/systemd/system/liveng-bless.service", "regular", "0644");
        String wants = "/rw/etc/systemd/system/multi-user.target.wants/liveng-bless.service";
        assertMode(fs, wants, "symlink", "0777");
        assertTrue(stat(fs, wants).contains("Fast link dest: \"/usr/lib/systemd/system/liveng-bless.service\""), stat(fs, wants));
        assertMode(fs, "/rw/usr/lib/systemd/system/liveng-repair.service", "regular", "0644");
        String repairWants = "/rw/etc/systemd/system/multi-user.target.wants/liveng-repair.service";
        assertMode(fs, repairWants, "symlink", "0777");
        assertTrue(stat(fs, repairWants).contains("Fast link dest: \"/usr/lib/systemd/system/liveng-repair.service\""), stat(fs, repairWants));
        // on a merged-/usr system /lib is a symbolic link in the squashfs; a real /rw/lib would hide it
        String lib = Fixtures.RUNNER.runAllowingFailure(Command.of("debugfs", "-R", "stat /rw/lib", fs.toString())).stderr();
        assertTrue(lib.contains("File not found"), lib);
        Path tree = AgentPackageTest.agent().resolve("tree");
        for (String f : new String[] { "usr/sbin/liveng", "etc/kernel/postinst.d/zz-liveng", "usr/lib/systemd/system/liveng-bless.service",
                "usr/lib/systemd/system/liveng-repair.service" }) {
            assertEquals(Files.readString(tree.resolve(f)), Fixtures.run("debugfs", "-R", "cat /rw/" + f, fs.toString()), f);
        }
        Path deb = AgentPackageTest.deb();
        String cached = "/rw/var/cache/liveng/" + deb.getFileName();
        assertMode(fs, cached, "regular", "0644");
        Path out = dir.resolve("cached.deb");
        Fixtures.run("debugfs", "-R", "dump " + cached + " " + out, fs.toString());
        assertEquals(-1L, Files.mismatch(deb, out), "the package on the stick is the build's");
        assertTrue(Fixtures.run("dpkg-deb", "--info", out.toString()).contains("Package: liveng-agent"));
    }

    @Test
    void tooSmallAPersistenceIsRefusedSayingHowMuchIsNeeded(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("small.img");
        LivengException e = assertThrows(LivengException.class,
                () -> forge.plan(ForgeRequest.of(Fixtures.liveIso(), img, withAgent(RECIPE.with("persistence.size", "64M")))));
        assertEquals(ErrorCodes.PREFLIGHT, e.code());
        Matcher m = Pattern.compile("too small for the on-stick agent liveng-agent \\S+ \\(agent.install\\): it needs at least (\\d+) MiB")
                .matcher(e.getMessage());
        assertTrue(m.find(), e.getMessage());
        long needed = Long.parseLong(m.group(1));
        assertTrue(needed > 64 && needed < 256, e.getMessage());
        assertTrue(e.hint().contains("persistence.size=" + needed + "M") && e.hint().contains("agent.install=false"), e.hint());
        // the size it names is enough: the forge goes through and e2fsck finds the filesystem whole
        ForgeResult r = forge.forge(ForgeRequest.of(Fixtures.liveIso(), img, withAgent(RECIPE.with("persistence.size", needed + "M"))),
                Progress.NONE);
        Fixtures.run("e2fsck", "-fn", ForgeTest.extract(img, ForgeTest.part(r.plan(), "persistence"), dir.resolve("p.ext4")).toString());
        assertTrue(Files.notExists(dir.resolve("other.img")));
        // agent.install=false needs no room
        forge.plan(ForgeRequest.of(Fixtures.liveIso(), dir.resolve("other.img"),
                withAgent(RECIPE.with("persistence.size", "64M")).with("agent.install", "false")));
    }

    @Test
    void anAgentAskedForButAbsentIsAnErrorNamingThePath(@TempDir Path dir) throws Exception {
        Path nowhere = dir.resolve("no-agent");
        LivengException e = assertThrows(LivengException.class, () -> forge.plan(ForgeRequest.of(Fixtures.liveIso(), dir.resolve("x.img"),
                RECIPE.with("agent.install", "true").with("agent.path", nowhere.toString()))));
        assertEquals(ErrorCodes.NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains(nowhere.resolve("tree").toString()) && e.getMessage().contains("agent.install=true"), e.getMessage());
        LivengException bad = assertThrows(LivengException.class, () -> forge.plan(ForgeRequest.of(Fixtures.liveIso(), dir.resolve("x.img"),
                RECIPE.with("agent.install", "yes"))));
        assertTrue(bad.getMessage().contains("agent.install=yes"), bad.getMessage());
        // auto without any agent known (this test runtime names none): nothing placed, and the plan says so
        var plan = forge.plan(ForgeRequest.of(Fixtures.liveIso(), dir.resolve("x.img"), RECIPE));
        assertTrue(plan.notes().stream().anyMatch(n -> n.startsWith("agent: not placed (agent.install=auto")), plan.notes().toString());
    }
}
