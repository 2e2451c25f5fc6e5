package org.liveng.platform.exec;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A long-running external program started by {@link ProcessRunner#start(Command)}
 * (an emulator, a follow-mode reader): its standard streams for interaction,
 * a way to wait, and a way to kill it at once (a simulated power cut).
 * Closing it kills the program if it is still running.
 */
public final class RunningProcess implements AutoCloseable {
    private final Process process;
    private final String commandLine;

    RunningProcess(Process process, String commandLine) {
        this.process = process;
        this.commandLine = commandLine;
    }

    /** What the program writes to its standard output. */
    public InputStream stdout() {
        return process.getInputStream();
    }

    /** What it writes to standard error. */
    public InputStream stderr() {
        return process.getErrorStream();
    }

    /** Its standard input. */
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** The printable command line. */
    public String commandLine() {
        return commandLine;
    }

    /** Waits for the program to end; returns its exit status, or -1 if it is still running after the timeout. */
    public int waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** Kills the program at once (SIGKILL) and waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
