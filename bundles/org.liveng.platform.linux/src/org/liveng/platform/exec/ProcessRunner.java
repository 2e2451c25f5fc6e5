package org.liveng.platform.exec;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.osgi.service.component.annotations.Component;

/**
 * Runs external programs. The only place in liveng that starts processes.
 *
 * <p>Programs are looked up on {@code PATH} plus {@code /usr/sbin} and
 * {@code /sbin} (many disk tools live there and are not on a user's PATH).
 * A missing program is an {@code ENVIRONMENT} error naming the Debian package
 * to install. A failure is a {@code TOOL} error carrying the full,
 * copy-pasteable command line and the tail of its standard error; the same is
 * logged at WARNING level.
 */
@Component(service = ProcessRunner.class)
public class ProcessRunner {
    private static final Logger LOG = Logger.getLogger(ProcessRunner.class.getName());
    private static final int STDERR_TAIL = 4000;

    /** Finds a program on PATH, /usr/sbin and /sbin. */
    public Optional<Path> locate(String program) {
        if (program.contains("/")) {
            Path p = Path.of(program);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        String[] dirs = (path + ":/usr/sbin:/sbin:/usr/local/sbin").split(File.pathSeparator);
        return Arrays.stream(dirs).filter(d -> !d.isEmpty()).map(d -> Path.of(d, program))
                .filter(Files::isExecutable).findFirst();
    }

    /** Like {@link #locate} but an {@code ENVIRONMENT} error naming the package when missing. */
    public Path require(String program, String debianPackage) throws LivengException {
        return locate(program).orElseThrow(() -> new LivengException(ErrorCodes.ENVIRONMENT,
                "required program '" + program + "' was not found on PATH, /usr/sbin or /sbin",
                debianPackage == null ? "install it" : "install it: apt-get install " + debianPackage));
    }

    /** Runs the command; a non-zero exit status is a {@code TOOL} error. */
    public ExecResult run(Command command) throws LivengException {
        ExecResult r = runAllowingFailure(command);
        if (!r.ok()) {
            String tail = tail(r.stderr());
            LOG.log(Level.WARNING, () -> "command failed with exit status " + r.exitCode() + ": " + r.command() + "\n" + tail);
            throw new LivengException(ErrorCodes.TOOL,
                    command.program() + " failed with exit status " + r.exitCode() + ": " + oneLine(tail)
                            + "\n  command: " + r.command(),
                    "run the command above by hand to see the whole output");
        }
        return r;
    }

    /** Runs the command and returns whatever it did; only failing to start it is an error. */
    public ExecResult runAllowingFailure(Command command) throws LivengException {
        ProcessBuilder pb = processBuilder(command);
        long start = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.ENVIRONMENT, "could not start " + command.commandLine() + ": " + e.getMessage(), null, e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread tOut = pump(p.getInputStream(), out, "stdout");
        Thread tErr = pump(p.getErrorStream(), err, "stderr");
        try (OutputStream in = p.getOutputStream()) {
            if (command.secret() != null) {
                byte[] s = command.secret().copy();
                try {
                    in.write(s);
                } finally {
                    Arrays.fill(s, (byte) 0);
                }
            } else if (command.stdinBytes() != null) {
                in.write(command.stdinBytes());
            }
        } catch (IOException e) {
            // the program closed its input early; its exit status tells the rest
        }
        try {
            Duration t = command.timeout();
            if (!p.waitFor(t.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                throw new LivengException(ErrorCodes.TOOL, command.program() + " did not finish within " + t.toSeconds()
                        + " s and was killed\n  command: " + command.commandLine());
            }
            tOut.join();
            tErr.join();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LivengException(ErrorCodes.INTERNAL, "interrupted while running " + command.commandLine(), null, e);
        }
        return new ExecResult(command.commandLine(), p.exitValue(), out.toByteArray(),
                err.toString(StandardCharsets.UTF_8), Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Starts a long-running program and returns at once. Secrets are not
     * supported here (use {@link #run(Command)}); the caller owns the streams
     * and must close the returned handle.
     */
    public RunningProcess start(Command command) throws LivengException {
        if (command.secret() != null) {
            throw new IllegalArgumentException("secrets go through run(), not start()");
        }
        ProcessBuilder pb = processBuilder(command);
        try {
            return new RunningProcess(pb.start(), command.commandLine());
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.ENVIRONMENT, "could not start " + command.commandLine() + ": " + e.getMessage(), null, e);
        }
    }

    /** The program resolved on the search path, the argument list as given, directory and environment. */
    private ProcessBuilder processBuilder(Command command) throws LivengException {
        Path exe = require(command.program(), command.debianPackage());
        java.util.List<String> argv = new java.util.ArrayList<>(command.argv());
        argv.set(0, exe.toString());
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (command.directory() != null) {
            pb.directory(command.directory().toFile());
        }
        pb.environment().putAll(command.environment());
        return pb;
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink, String name) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(sink);
            } catch (IOException e) {
                // process went away
            }
        }, "liveng-exec-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String tail(String s) {
        String t = s.strip();
        return t.length() <= STDERR_TAIL ? t : "..." + t.substring(t.length() - STDERR_TAIL);
    }

    private static String oneLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines.length == 0 || lines[lines.length - 1].isBlank() ? "(no error output)" : lines[lines.length - 1].strip();
    }
}
