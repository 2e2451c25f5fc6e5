package org.liveng.integration.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.plan.ForgeRequest;
import org.liveng.api.plan.ImageForge;
import org.liveng.api.plan.Progress;
import org.liveng.api.recipe.Recipe;
import org.liveng.platform.exec.Command;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The on-stick agent the build makes (product/target/agent, by tools/build-agent): its tree and Debian package, judged by
 * dpkg-deb and sh, and its jlink runtime running the product's {@code kernel status} on a forged image (no host JDK).
 */
@ExtendWith(ServiceExtension.class)
class AgentPackageTest {
    @InjectService(timeout = 5000)
    ImageForge forge;

    static Path agent() {
        Path a = Fixtures.repo().resolve("product/target/agent");
        assertTrue(Files.isDirectory(a.resolve("tree")), a + " is missing: build the product (tools/mvn -B verify) before this test");
        return a;
    }

    static Path deb() throws Exception {
        try (Stream<Path> s = Files.list(agent())) {
            List<Path> debs = s.filter(p -> p.getFileName().toString().matches("liveng-agent_.+_amd64\\.deb")).toList();
            assertEquals(1, debs.size(), debs.toString());
            return debs.get(0);
        }
    }

    @Test
    void theTreeHasTheLauncherHookAndEnabledBlessUnitWithTheirModes() throws Exception {
        Path tree = agent().resolve("tree");
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(tree.resolve("usr/sbin/liveng"))));
        Path hook = tree.resolve("etc/kernel/postinst.d/zz-liveng");
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(hook)));
        String hookText = Files.readString(hook);
        assertTrue(hookText.startsWith("#!/bin/sh\n") && hookText.contains("exec /usr/sbin/liveng kernel install \"$1\""), hookText);
        Fixtures.run("sh", "-n", hook.toString());
        Fixtures.run("sh", "-n", tree.resolve("usr/sbin/liveng").toString());
        // not on a liveng stick (this host): the hook says so and succeeds, so a kernel package still installs
        var r = Fixtures.RUNNER.runAllowingFailure(Command.of("sh", hook.toString(), "6.1.0-56-cloud-amd64"));
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("not running from a liveng stick"), r.stderr());
        String unit = Files.readString(tree.resolve("usr/lib/systemd/system/liveng-bless.service"));
        assertTrue(unit.contains("Type=oneshot") && unit.contains("ExecStart=/usr/sbin/liveng kernel bless")
                && unit.contains("WantedBy=multi-user.target") && unit.contains("ConditionKernelCommandLine=liveng.slot"), unit);
        Path wants = tree.resolve("etc/systemd/system/multi-user.target.wants/liveng-bless.service");
        assertEquals(Path.of("/usr/lib/systemd/system/liveng-bless.service"), Files.readSymbolicLink(wants));
        // the boot-time repair: only when booted from the fallback entry, enabled the same way
        Path repairUnit = tree.resolve("usr/lib/systemd/system/liveng-repair.service");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(repairUnit)));
        String repair = Files.readString(repairUnit);
        assertTrue(repair.contains("Type=oneshot") && repair.contains("ExecStart=/usr/sbin/liveng kernel repair\n")
                && repair.contains("WantedBy=multi-user.target") && repair.contains("ConditionKernelCommandLine=liveng-fallback\n"), repair);
        assertEquals(Path.of("/usr/lib/systemd/system/liveng-repair.service"),
                Files.readSymbolicLink(tree.resolve("etc/systemd/system/multi-user.target.wants/liveng-repair.service")));
        // systemd's own parser: no unknown keys or sections, nothing it would ignore; the one complaint allowed is that the
        // launcher is not installed on this host
        var verify = Fixtures.RUNNER.runAllowingFailure(Command.of("systemd-analyze", "verify", "--man=no", repairUnit.toString()));
        assertEquals(List.of(), verify.stderr().lines().filter(l -> !l.contains("Command /usr/sbin/liveng is not executable")).toList(),
                verify.stderr());
        assertTrue(Files.readString(tree.resolve("usr/share/doc/liveng-agent/README")).contains("liveng-repair.service"));
        // a jlinked runtime: only the modules the product needs, no compiler, no jmods
        String modules = Fixtures.run(tree.resolve("opt/liveng/runtime/bin/java").toString(), "--list-modules");
        assertTrue(modules.contains("java.base@") && modules.contains("java.desktop@") && !modules.contains("jdk.compiler"), modules);
        assertTrue(Files.notExists(tree.resolve("opt/liveng/runtime/jmods")));
    }

    @Test
    void theDebianPackageHoldsTheSameFilesOwnedByRoot() throws Exception {
        Path deb = deb();
        String info = Fixtures.run("dpkg-deb", "--info", deb.toString());
        assertTrue(info.contains("Package: liveng-agent") && info.contains("Architecture: amd64") && info.contains("libc6 (>= 2.36)"), info);
        String contents = Fixtures.run("dpkg-deb", "--contents", deb.toString());
        for (String f : List.of("./usr/sbin/liveng", "./etc/kernel/postinst.d/zz-liveng", "./usr/lib/systemd/system/liveng-bless.service",
                "./usr/lib/systemd/system/liveng-repair.service",
                "./opt/liveng/runtime/bin/java", "./opt/liveng/product/bin/liveng", "./usr/share/doc/liveng-agent/copyright")) {
            assertTrue(contents.lines().anyMatch(l -> l.endsWith(" " + f)), f + " in\n" + contents);
        }
        assertTrue(contents.lines().allMatch(l -> l.contains(" root/root ")), "root-owned");
        assertTrue(contents.lines().anyMatch(l -> l.startsWith("-rwxr-xr-x") && l.endsWith(" ./etc/kernel/postinst.d/zz-liveng")), contents);
        // the package enables the repair unit like the bless unit (its maintainer script makes the link)
        Path control = Files.createTempDirectory("liveng-agent-control");
        try {
            Fixtures.run("dpkg-deb", "--control", deb.toString(), control.toString());
            String postinst = Files.readString(control.resolve("postinst"));
            assertTrue(postinst.contains("ln -sf /usr/lib/systemd/system/liveng-repair.service "
                    + "/etc/systemd/system/multi-user.target.wants/liveng-repair.service"), postinst);
            assertTrue(Files.readString(control.resolve("postrm")).contains("multi-user.target.wants/liveng-repair.service"));
        } finally {
            Fixtures.run("rm", "-rf", control.toString());
        }
    }

    @Test
    void theRuntimeRunsKernelStatusOnAForgedImage(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("stick.img");
        forge.forge(ForgeRequest.of(Fixtures.liveIso(), img, new Recipe(Map.of("reproducible.seed", "agent-test",
                "persistence.size", "64M", "persistence.encryption", "none", "agent.install", "false"))), Progress.NONE);
        Path tree = agent().resolve("tree");
        // the JVM options /usr/sbin/liveng gives on the stick, read from the wrapper itself
        Matcher opts = Pattern.compile("LIVENG_JAVA_OPTS=\"\\$\\{LIVENG_JAVA_OPTS:-([^}]*)}\"")
                .matcher(Files.readString(tree.resolve("usr/sbin/liveng")));
        assertTrue(opts.find(), "the wrapper sets the stick's JVM options");
        assertTrue(opts.group(1).contains("-XX:TieredStopAtLevel=1"), "the stick runs the JIT's first tier only: " + opts.group(1));
        var r = Fixtures.RUNNER.runAllowingFailure(Command.of(tree.resolve("opt/liveng/product/bin/liveng").toString(), "kernel", "status",
                img.toString()).env("JAVA_HOME", tree.resolve("opt/liveng/runtime").toString()).env("LIVENG_JVM_CACHE", "off")
                .env("LIVENG_JAVA_OPTS", opts.group(1)));
        assertEquals(0, r.exitCode(), r.stdoutText() + r.stderr());
        assertTrue(r.stdoutText().contains("kernel strategy ab-slots") && r.stdoutText().contains("LIVENG_KERNEL_A  good")
                && r.stdoutText().contains("valid"), r.stdoutText());
        assertTrue(r.stderr().isEmpty(), "no bundle failed to start on the jlink runtime: " + r.stderr());
    }
}
