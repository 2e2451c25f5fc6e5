package org.liveng.e2e.tests;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.TestInfo;
import org.liveng.api.LivengException;
import org.liveng.format.iso9660.IsoEntry;
import org.liveng.format.iso9660.IsoImage;
import org.liveng.platform.exec.ProcessRunner;

/** The live ISO fixture and helpers shared by the boot tests. */
final class E2eFixtures {
    static final ProcessRunner RUNNER = new ProcessRunner();


    private E2eFixtures() {
    }

    /** The repository root: -Dliveng.repo, $LIVENG_REPO, or found upwards from the working directory. */
    static Path repo() {
        return org.liveng.testing.TestRepo.root();
    }

    /** The genuine Debian live ISO of tests/fixtures/live-iso (built on first use, then cached). */
    static synchronized Path liveIso() throws LivengException {
        return org.liveng.testing.Oracles.liveIso();
    }

    /** Byte offset and length of a file's data in an ISO 9660 (hybrid) image, following symbolic links. */
    record FileRange(String path, long offset, long length) {
    }

    static FileRange locate(Path image, String path) throws IOException, LivengException {
        try (IsoImage iso = IsoImage.open(image)) {
            IsoEntry e = iso.resolve(path).orElseThrow(() -> new AssertionError(path + " is not in " + image));
            if (!e.isFile() || e.extents().size() != 1) {
                throw new AssertionError(path + " in " + image + " is not a file with one extent: " + e);
            }
            IsoEntry.Extent x = e.extents().get(0);
            return new FileRange(e.path(), x.offset(), x.length());
        }
    }

    /** A log name for a test: Class.method. */
    static String name(TestInfo info) {
        return info.getTestClass().map(Class::getSimpleName).orElse("test") + "."
                + info.getTestMethod().map(m -> m.getName()).orElse(info.getDisplayName());
    }
}
