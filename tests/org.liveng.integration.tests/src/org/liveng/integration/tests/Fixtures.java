package org.liveng.integration.tests;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.liveng.api.LivengException;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ProcessRunner;

/** The project's test fixtures, built on demand by the scripts in tests/fixtures (cached). */
final class Fixtures {
    static final ProcessRunner RUNNER = new ProcessRunner();

    private Fixtures() {
    }

    /** The repository root: from -Dliveng.repo, $LIVENG_REPO, or found upwards from the working directory. */
    static Path repo() {
        return org.liveng.testing.TestRepo.root();
    }

    /** The genuine small Debian live ISO built from Debian packages by tests/fixtures/live-iso/build.sh. */
    static Path liveIso() throws LivengException {
        return org.liveng.testing.Oracles.liveIso();
    }

    /** The folder of real initramfs-tools initrds made by tests/fixtures/initrd/make-initrds.sh. */
    static Path initrds() throws LivengException {
        String marker = "make-initrds: output ";
        String out = RUNNER.run(Command.of("bash", repo().resolve("tests/fixtures/initrd/make-initrds.sh").toString())
                .timeout(Duration.ofMinutes(20))).stdoutText();
        return out.lines().filter(l -> l.startsWith(marker)).reduce((a, b) -> b)
                .map(l -> Path.of(l.substring(marker.length()).strip()))
                .orElseThrow(() -> new IllegalStateException("make-initrds.sh printed no '" + marker + "' line:\n" + out));
    }

    static String run(String... argv) throws LivengException {
        return RUNNER.run(Command.of(List.of(argv)).timeout(Duration.ofMinutes(10))).stdoutText();
    }

    /** Output of a tool whose non-zero exit is an answer, not a failure (blkid finding nothing). */
    static String runAllowingFailure(String... argv) throws LivengException {
        return RUNNER.runAllowingFailure(Command.of(List.of(argv)).timeout(Duration.ofMinutes(10))).stdoutText();
    }
}
