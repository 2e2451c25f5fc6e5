package org.liveng.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ExecResult;
import org.liveng.platform.exec.ProcessRunner;

/** Real tools as judges, and the fixtures they judge, for every test project. */
public final class Oracles {
    public static final ProcessRunner RUNNER = new ProcessRunner();
    private static Path liveIso;
    private static Path liveIsoWithoutCryptsetup;
    private static Path preloader;

    private Oracles() {
    }

    /** Runs a tool that must succeed; a missing tool fails the test with what to install. */
    public static ExecResult run(Command c) {
        try {
            return RUNNER.run(c);
        } catch (LivengException e) {
            return failed(e);
        }
    }

    /** Runs a tool whose exit status the test judges itself (a refusal is the expected answer); a missing tool fails. */
    public static ExecResult runAllowingFailure(Command c) {
        try {
            return RUNNER.runAllowingFailure(c);
        } catch (LivengException e) {
            return failed(e);
        }
    }

    private static ExecResult failed(LivengException e) {
        if (ErrorCodes.ENVIRONMENT.equals(e.code())) {
            fail(e.getMessage() + " (" + e.hint() + "); this test needs it as an oracle");
        }
        fail(e.getMessage());
        return null;
    }

    /**
     * The genuine Debian live ISO built from Debian packages by
     * tests/fixtures/live-iso/build.sh (built on first use, then cached).
     */
    public static synchronized Path liveIso() throws LivengException {
        if (liveIso == null) {
            liveIso = builtFixture("live-iso", Duration.ofMinutes(30));
        }
        return liveIso;
    }

    /**
     * The manifest of the live ISO fixture's kernel update, beside the ISO: {@code kernel_release} (the newer kernel),
     * {@code iso_kernel_release} (the ISO's), {@code debs} (its packages, the linux-image one first).
     */
    public static Properties kernelUpdate() throws LivengException, IOException {
        Properties update = new Properties();
        try (var in = Files.newInputStream(kernelUpdateDir().resolve("manifest"))) {
            update.load(in);
        }
        return update;
    }

    /**
     * The live ISO fixture's newer kernel, unpacked by dpkg-deb from its linux-image package into {@code dir/deb}, with
     * the ISO's initrd copied out by xorriso to {@code dir/initrd.img} ({@code dir} is created if needed).
     */
    public static UpdateKernel updateKernel(Path dir) throws LivengException, IOException {
        Path iso = liveIso();
        Properties update = kernelUpdate();
        String release = update.getProperty("kernel_release");
        Path deb = kernelUpdateDir().resolve(update.getProperty("debs").split(" ")[0]);
        Path root = Files.createDirectories(dir).resolve("deb");
        run(Command.of("dpkg-deb", "-x", deb.toString(), root.toString()).fromPackage("dpkg"));
        Path initrd = dir.resolve("initrd.img");
        run(Command.of("xorriso", "-osirrox", "on", "-indev", iso.toString(), "-extract",
                "/live/initrd.img-" + update.getProperty("iso_kernel_release"), initrd.toString()).fromPackage("xorriso"));
        return new UpdateKernel(release, root.resolve("boot/vmlinuz-" + release), initrd);
    }

    /** The folder of the live ISO fixture's kernel update packages and manifest. */
    private static Path kernelUpdateDir() throws LivengException {
        return liveIso().resolveSibling("kernel-update");
    }

    /**
     * The live ISO fixture with cryptsetup, askpass, libcryptsetup and dm-crypt stripped from its initrds, made by
     * tests/fixtures/live-iso-nocrypt/build.sh (built on first use, then cached).
     */
    public static synchronized Path liveIsoWithoutCryptsetup() throws LivengException {
        if (liveIsoWithoutCryptsetup == null) {
            liveIsoWithoutCryptsetup = builtFixture("live-iso-nocrypt", Duration.ofMinutes(20), liveIso().toString());
        }
        return liveIsoWithoutCryptsetup;
    }

    /**
     * PreLoader.efi built from Debian's efitools source package by tests/fixtures/preloader/build.sh (built on first use,
     * then cached); the HashTool.efi of the same build is beside it.
     */
    public static synchronized Path preloader() throws LivengException {
        if (preloader == null) {
            preloader = builtFixture("preloader", Duration.ofMinutes(20));
        }
        return preloader;
    }

    /** Runs tests/fixtures/NAME/build.sh --print-path [args] and returns the file it printed last. */
    private static Path builtFixture(String name, Duration timeout, String... args) throws LivengException {
        List<String> argv = new java.util.ArrayList<>(List.of("bash", TestRepo.root().resolve("tests/fixtures/" + name + "/build.sh").toString(),
                "--print-path"));
        argv.addAll(List.of(args));
        ExecResult r = RUNNER.run(Command.of(argv).timeout(timeout));
        List<String> lines = r.stdoutText().strip().lines().toList();
        Path file = Path.of(lines.get(lines.size() - 1).strip());
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("the " + name + " fixture builder printed " + file + ", which is not a file");
        }
        return file;
    }
}
