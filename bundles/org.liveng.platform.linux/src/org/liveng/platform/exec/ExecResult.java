package org.liveng.platform.exec;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What an external program did.
 *
 * @param command the command line (printable, no secrets)
 * @param exitCode its exit status
 * @param stdout standard output bytes
 * @param stderr standard error text
 * @param elapsed wall time
 */
public record ExecResult(String command, int exitCode, byte[] stdout, String stderr, Duration elapsed) {

    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    public boolean ok() {
        return exitCode == 0;
    }
}
