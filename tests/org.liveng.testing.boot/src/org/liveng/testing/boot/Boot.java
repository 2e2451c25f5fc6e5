package org.liveng.testing.boot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.liveng.platform.exec.RunningProcess;

/**
 * One running boot of a {@link Machine}: QEMU with the guest's first serial port on its standard
 * input/output. Lines read from the console are kept (with the time since QEMU started) for
 * {@link #await}; the raw bytes go to {@link #logFile()} as they arrive.
 *
 * <p>{@code await} calls consume the console in order: each one searches the lines after the line of
 * the previous match (and the incomplete last line, so prompts without a newline are seen). Every
 * failure is an {@link AssertionError} whose message ends with the last {@value #TAIL_LINES} lines of
 * the console. Closing the boot cuts the power if QEMU still runs and writes the timings file.
 */
public final class Boot implements AutoCloseable {
    /** How many console lines a failure message carries. */
    public static final int TAIL_LINES = 60;
    /** The prefix of the fixture agent's report lines. */
    public static final String MARKER_PREFIX = "LIVENG-TEST: ";
    /** What the kernel prints when it booted with Secure Boot enforced. */
    public static final String KERNEL_SECURE_BOOT_ENABLED = "secureboot: Secure boot enabled";

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?=]*[ -/]*[@-~]|\u001B[()][0-9A-Za-z]|\u001B[^\\[()]");
    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0B-\\x1F\\x7F]");

    /** One console line. */
    public record Line(String text, double seconds) {
    }

    private final String name;
    private final Machine machine;
    private final RunningProcess process;
    private final Path logFile;
    private final Path timingsFile;
    private final Runnable cleanup;
    private final long startNanos;
    private final Object lock = new Object();
    private final List<Line> lines = new ArrayList<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final StringBuilder stderr = new StringBuilder();
    private final List<String> events = new ArrayList<>();
    private final Thread reader;
    private final Thread errReader;
    private final OutputStream log;
    private boolean eof;
    private int cursor;
    private Integer exitCode;
    private boolean closed;

    Boot(String name, Machine machine, RunningProcess process, Path logFile, Path timingsFile, Runnable cleanup)
            throws IOException {
        this.name = name;
        this.machine = machine;
        this.process = process;
        this.logFile = logFile;
        this.timingsFile = timingsFile;
        this.cleanup = cleanup;
        this.startNanos = System.nanoTime();
        this.log = Files.newOutputStream(logFile);
        this.reader = new Thread(this::readConsole, "liveng-boot-console-" + name);
        this.errReader = new Thread(this::readStderr, "liveng-boot-stderr-" + name);
        reader.setDaemon(true);
        errReader.setDaemon(true);
        reader.start();
        errReader.start();
    }

    /** The name of the boot (test name and boot number), as in the log file name. */
    public String name() {
        return name;
    }

    public Machine machine() {
        return machine;
    }

    /** The raw serial log, written as the guest prints. */
    public Path logFile() {
        return logFile;
    }

    /** Seconds since QEMU started. */
    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /**
     * Waits for a console line matching {@code pattern} (found anywhere in the line, ANSI escapes
     * removed) and returns that line. Fails on timeout or if QEMU ends first.
     */
    public String await(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                for (int i = cursor; i < lines.size(); i++) {
                    Matcher m = pattern.matcher(lines.get(i).text());
                    if (m.find()) {
                        cursor = i + 1;
                        event("matched /" + pattern + "/ at " + seconds(lines.get(i).seconds()) + ": " + lines.get(i).text());
                        return lines.get(i).text();
                    }
                }
                cursor = Math.max(cursor, lines.size());
                String p = partialText();
                if (!p.isEmpty() && pattern.matcher(p).find()) {
                    cursor = lines.size() + 1;
                    event("matched /" + pattern + "/ at " + seconds(elapsedSeconds()) + " (incomplete line): " + p);
                    return p;
                }
                if (eof) {
                    waitForExitCode();
                    throw failure("QEMU ended (exit status " + exitCode + ") before a console line matched /" + pattern + "/");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw failure("no console line matched /" + pattern + "/ within " + timeout.toSeconds() + " s");
                }
                try {
                    lock.wait(Math.max(1, Math.min(left / 1_000_000, 1000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw failure("interrupted while waiting for /" + pattern + "/");
                }
            }
        }
    }

    /** {@link #await(Pattern, Duration)} for a literal piece of text. */
    public String await(String text, Duration timeout) {
        return await(Pattern.compile(Pattern.quote(text)), timeout);
    }

    /**
     * Waits for the agent's {@code LIVENG-TEST: <key>} or {@code LIVENG-TEST: <key>=<value>} line and
     * returns the value ("" for a marker without one).
     */
    public String awaitMarker(String key, Duration timeout) {
        String line = await(markerPattern(key), timeout);
        Matcher m = markerPattern(key).matcher(line);
        m.find();
        return m.group(1) == null ? "" : m.group(1);
    }

    /** Waits for whichever pattern matches first; returns the index of that pattern in {@code patterns}. */
    public int awaitAny(Duration timeout, Pattern... patterns) {
        StringBuilder alt = new StringBuilder();
        for (Pattern p : patterns) {
            alt.append(alt.length() == 0 ? "" : "|").append("(?:").append(p.pattern()).append(')');
        }
        String line = await(Pattern.compile(alt.toString()), timeout);
        for (int i = 0; i < patterns.length; i++) {
            if (patterns[i].matcher(line).find()) {
                return i;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private static Pattern markerPattern(String key) {
        return Pattern.compile(Pattern.quote(MARKER_PREFIX + key) + "(?:=(.*?))?\\s*$");
    }

    /** Types text on the guest's serial console (a GRUB key, a passphrase followed by "\n"). */
    public void send(String text) {
        try {
            OutputStream in = process.stdin();
            in.write(text.getBytes(StandardCharsets.UTF_8));
            in.flush();
            synchronized (lock) {
                event("sent " + text.length() + " characters at " + seconds(elapsedSeconds()));
            }
        } catch (IOException e) {
            throw failure("cannot write to the serial console: " + e.getMessage());
        }
    }

    /** Kills QEMU at once (SIGKILL): a power cut. Disks keep whatever the guest wrote. */
    public void powerCut() {
        synchronized (lock) {
            event("power cut at " + seconds(elapsedSeconds()));
        }
        try {
            process.kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drain();
    }

    /**
     * Waits until the guest powers off (QEMU exits, with {@code -no-reboot} also on a reboot) and
     * returns QEMU's exit status. On timeout QEMU is killed and the test fails.
     */
    public int awaitPowerOff(Duration timeout) {
        try {
            int rc = process.waitFor(timeout);
            if (rc == -1 && process.isAlive()) {
                AssertionError f = failure("the guest did not power off within " + timeout.toSeconds() + " s");
                powerCut();
                throw f;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for power-off");
        }
        drain();
        synchronized (lock) {
            event("QEMU exited with status " + exitCode + " at " + seconds(elapsedSeconds()));
            return exitCode;
        }
    }

    /** All complete console lines so far (ANSI escapes removed). */
    public List<Line> lines() {
        synchronized (lock) {
            return List.copyOf(lines);
        }
    }

    /** The whole console so far as text (ANSI escapes removed). */
    public String consoleText() {
        synchronized (lock) {
            StringBuilder sb = new StringBuilder();
            for (Line l : lines) {
                sb.append(l.text()).append('\n');
            }
            return sb.append(partialText()).toString();
        }
    }

    /** The agent's {@code LIVENG-TEST: key=value} reports seen so far, in order (a later report of a key wins). */
    public Map<String, String> markers() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Line l : lines()) {
            String[] kv = parseMarker(l.text());
            if (kv != null) {
                m.put(kv[0], kv[1]);
            }
        }
        return m;
    }

    /** Seconds from QEMU's start to the first report of each agent marker key. */
    public Map<String, Double> markerSeconds() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Line l : lines()) {
            String[] kv = parseMarker(l.text());
            if (kv != null) {
                m.putIfAbsent(kv[0], l.seconds());
            }
        }
        return m;
    }

    /** Seconds from QEMU's start to the first report of {@code key}; fails if it was not reported. */
    public double secondsTo(String key) {
        Double s = markerSeconds().get(key);
        if (s == null) {
            throw failure("the agent did not report '" + key + "'");
        }
        return s;
    }

    static String[] parseMarker(String line) {
        int i = line.indexOf(MARKER_PREFIX);
        if (i < 0) {
            return null;
        }
        String rest = line.substring(i + MARKER_PREFIX.length()).strip();
        if (rest.isEmpty()) {
            return null;
        }
        int eq = rest.indexOf('=');
        int sp = rest.indexOf(' ');
        if (eq < 0 || (sp >= 0 && sp < eq)) {
            return sp < 0 ? new String[] {rest, ""} : new String[] {rest.substring(0, sp), rest.substring(sp + 1).strip()};
        }
        return new String[] {rest.substring(0, eq), rest.substring(eq + 1)};
    }

    /**
     * Fails unless the kernel reported {@value #KERNEL_SECURE_BOOT_ENABLED} (and, if the agent already
     * reported {@code secureboot}, that it said {@code enabled}): no test may pass with Secure Boot
     * silently off.
     */
    public void assertSecureBootEnforced() {
        boolean kernel = lines().stream().anyMatch(l -> l.text().contains(KERNEL_SECURE_BOOT_ENABLED));
        if (!kernel) {
            throw failure("the kernel did not print '" + KERNEL_SECURE_BOOT_ENABLED + "': Secure Boot was not enforced");
        }
        String agent = markers().get("secureboot");
        if (agent != null && !agent.equals("enabled")) {
            throw failure("the kernel said Secure Boot is enabled but the agent reported secureboot=" + agent);
        }
    }

    /** An assertion error with {@code message}, the log file and the last console lines. */
    public AssertionError failure(String message) {
        return new AssertionError(message + " [boot " + name + ", " + machine.firmware() + ", " + seconds(elapsedSeconds())
                + " after start; log " + logFile + "]\n" + tail(TAIL_LINES));
    }

    /** The last {@code n} console lines, and QEMU's standard error if it wrote any. */
    public String tail(int n) {
        synchronized (lock) {
            StringBuilder sb = new StringBuilder("--- last console lines ---\n");
            for (int i = Math.max(0, lines.size() - n); i < lines.size(); i++) {
                sb.append(lines.get(i).text()).append('\n');
            }
            String p = partialText();
            if (!p.isEmpty()) {
                sb.append(p).append('\n');
            }
            if (stderr.length() > 0) {
                sb.append("--- QEMU stderr ---\n").append(stderr.toString().strip()).append('\n');
            }
            return sb.append("---").toString();
        }
    }

    /** Cuts the power if QEMU still runs, finishes the log and writes the timings file. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (process.isAlive()) {
            synchronized (lock) {
                event("stopped by close() at " + seconds(elapsedSeconds()));
            }
            try {
                process.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        drain();
        try {
            log.close();
        } catch (IOException e) {
            // the log is best effort
        }
        writeTimings();
        cleanup.run();
    }

    private void writeTimings() {
        StringBuilder sb = new StringBuilder();
        sb.append("boot ").append(name).append('\n');
        sb.append("firmware ").append(machine.firmware()).append('\n');
        sb.append("command ").append(process.commandLine()).append('\n');
        synchronized (lock) {
            sb.append("exit-status ").append(exitCode).append('\n');
            sb.append("wall-seconds ").append(seconds(elapsedSeconds())).append('\n');
            for (Map.Entry<String, Double> e : markerSeconds().entrySet()) {
                sb.append("marker ").append(e.getKey()).append(' ').append(seconds(e.getValue())).append('\n');
            }
            for (String e : events) {
                sb.append("event ").append(e).append('\n');
            }
            if (stderr.length() > 0) {
                sb.append("qemu-stderr\n").append(stderr).append('\n');
            }
        }
        try {
            Files.writeString(timingsFile, sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void drain() {
        try {
            reader.join(10_000);
            errReader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        waitForExitCode();
    }

    private void waitForExitCode() {
        try {
            int rc = process.waitFor(Duration.ofSeconds(5));
            synchronized (lock) {
                if (rc != -1 || !process.isAlive()) {
                    exitCode = rc;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void readConsole() {
        byte[] buf = new byte[8192];
        try (InputStream in = process.stdout()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                try {
                    log.write(buf, 0, n);
                    log.flush();
                } catch (IOException e) {
                    // keep following the console even if the log cannot be written
                }
                synchronized (lock) {
                    double t = elapsedSeconds();
                    for (int i = 0; i < n; i++) {
                        byte b = buf[i];
                        if (b == '\n') {
                            lines.add(new Line(clean(partial.toString(StandardCharsets.UTF_8)), t));
                            partial.reset();
                        } else {
                            partial.write(b);
                        }
                    }
                    lock.notifyAll();
                }
            }
        } catch (IOException e) {
            // QEMU went away
        } finally {
            synchronized (lock) {
                eof = true;
                lock.notifyAll();
            }
        }
    }

    private void readStderr() {
        byte[] buf = new byte[4096];
        try (InputStream in = process.stderr()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (lock) {
                    if (stderr.length() < 20_000) {
                        stderr.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            // QEMU went away
        }
    }

    private String partialText() {
        return clean(partial.toString(StandardCharsets.UTF_8));
    }

    /** Removes ANSI escape sequences, carriage returns, other control characters (tabs stay) and undecodable bytes (shim's box drawing). */
    static String clean(String raw) {
        String s = ANSI.matcher(raw).replaceAll("");
        return CONTROL.matcher(s).replaceAll("").replace("\uFFFD", "");
    }

    private void event(String e) {
        events.add(e);
    }

    static String seconds(double s) {
        return String.format(Locale.ROOT, "%.1f s", s);
    }

    List<String> events() {
        synchronized (lock) {
            return Collections.unmodifiableList(new ArrayList<>(events));
        }
    }
}
