package org.liveng.integration.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.liveng.kernel.slots.KernelVersions;
import org.liveng.platform.exec.Command;

/** liveng's downgrade check orders kernel releases as dpkg does: {@code dpkg --compare-versions} is the judge. */
class KernelVersionsTest {
    static final List<String> VERSIONS = List.of("6.1.0-50-cloud-amd64", "6.1.0-56-cloud-amd64", "6.1.0-9-amd64", "6.1.0-10-amd64",
            "6.12.0-1-amd64", "6.1.0", "6.1", "6.1.0~rc1", "6.1.0+b1", "1:5.10.0-1-amd64", "6.1.0-50-rt-amd64", "6.1.0-050",
            "6.1a", "6.1.0-cloud", "5.10.0-32-amd64");

    @Test
    void ordersKernelReleasesLikeDpkg() throws Exception {
        int checked = 0;
        for (String a : VERSIONS) {
            for (String b : VERSIONS) {
                int expected = dpkg(a, "lt", b) ? -1 : dpkg(a, "eq", b) ? 0 : 1;
                assertEquals(expected, Integer.signum(KernelVersions.compare(a, b)), a + " vs " + b);
                checked++;
            }
        }
        assertEquals(VERSIONS.size() * VERSIONS.size(), checked);
    }

    static boolean dpkg(String a, String op, String b) throws Exception {
        return Fixtures.RUNNER.runAllowingFailure(Command.of("dpkg", "--compare-versions", a, op, b)).exitCode() == 0;
    }
}
