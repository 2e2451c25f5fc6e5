package org.liveng.platform.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.liveng.api.Secret;

/**
 * An external program invocation: an argument list, never a shell string.
 * Secrets go to the program's standard input ({@link #secretStdin(Secret)}),
 * never into the arguments or the environment.
 */
public final class Command {
    private final List<String> argv;
    private Path directory;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private byte[] stdin;
    private Secret secretStdin;
    private Duration timeout = Duration.ofMinutes(30);
    private String debianPackage;

    private Command(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        for (String a : argv) {
            Objects.requireNonNull(a, "argument");
        }
        this.argv = List.copyOf(argv);
    }

    public static Command of(String program, String... args) {
        List<String> l = new ArrayList<>();
        l.add(program);
        l.addAll(Arrays.asList(args));
        return new Command(l);
    }

    public static Command of(List<String> argv) {
        return new Command(argv);
    }

    /** Working directory. */
    public Command directory(Path dir) {
        this.directory = dir;
        return this;
    }

    /** An extra environment variable (not for secrets). */
    public Command env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** Bytes fed to standard input. */
    public Command stdin(byte[] bytes) {
        this.stdin = bytes.clone();
        return this;
    }

    /** A secret fed to standard input; never logged. */
    public Command secretStdin(Secret secret) {
        this.secretStdin = secret;
        return this;
    }

    public Command timeout(Duration d) {
        this.timeout = d;
        return this;
    }

    /** The Debian package that provides the program, named in "not found" errors. */
    public Command fromPackage(String debianPackageName) {
        this.debianPackage = debianPackageName;
        return this;
    }

    public List<String> argv() {
        return argv;
    }

    public String program() {
        return argv.get(0);
    }

    Path directory() {
        return directory;
    }

    Map<String, String> environment() {
        return environment;
    }

    byte[] stdinBytes() {
        return stdin;
    }

    Secret secret() {
        return secretStdin;
    }

    Duration timeout() {
        return timeout;
    }

    String debianPackage() {
        return debianPackage;
    }

    /** A copy-pasteable shell rendering of the command line (quoted). */
    public String commandLine() {
        StringBuilder sb = new StringBuilder();
        if (directory != null) {
            sb.append("(cd ").append(quote(directory.toString())).append(" && ");
        }
        for (Map.Entry<String, String> e : environment.entrySet()) {
            sb.append(e.getKey()).append('=').append(quote(e.getValue())).append(' ');
        }
        for (int i = 0; i < argv.size(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(quote(argv.get(i)));
        }
        if (directory != null) {
            sb.append(')');
        }
        if (secretStdin != null) {
            sb.append(" < <secret from ").append(secretStdin.origin()).append('>');
        }
        return sb.toString();
    }

    static String quote(String s) {
        if (!s.isEmpty() && s.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_./=:,+@%".indexOf(c) >= 0)) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    @Override
    public String toString() {
        return commandLine();
    }
}
