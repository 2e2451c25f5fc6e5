package org.liveng.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository is, for tests that run its fixture scripts or read its docs. */
public final class TestRepo {
    private TestRepo() {
    }

    /** From {@code -Dliveng.repo}, {@code $LIVENG_REPO}, or found upwards from the working directory. */
    public static Path root() {
        String p = System.getProperty("liveng.repo", System.getenv("LIVENG_REPO"));
        if (p != null && Files.isDirectory(Path.of(p, "tests", "fixtures"))) {
            return Path.of(p);
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("tests/fixtures"))) {
                return d;
            }
        }
        throw new IllegalStateException("cannot find the repository root: set -Dliveng.repo or $LIVENG_REPO");
    }
}
