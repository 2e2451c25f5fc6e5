package org.liveng.shell.internal;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Set;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.Secret;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.RecipeSettings;

/**
 * Where a new persistence passphrase comes from, in this order:
 * {@code --passphrase-file FILE}, {@code --passphrase-stdin}, the recipe's
 * {@code persistence.passphrase} reference ({@code file:PATH}, {@code env:NAME},
 * {@code stdin}, {@code prompt}), and for {@code prompt} the terminal: asked
 * twice without echo. Never argv. A file readable by group or others is refused
 * (as ssh refuses such a private key). One trailing newline of a file or of
 * standard input is not part of the passphrase.
 */
final class PassphraseInput {
    /** Longest passphrase read from a file or standard input (cryptsetup's interactive limit is 512 characters). */
    static final int MAX_BYTES = 8192;
    static final String THREE_WAYS = "give it with --passphrase-file FILE (a file of mode 0600), --passphrase-stdin (e.g. from a pipe), "
            + "or run forge on a terminal to type it; or set persistence.encryption=none for plain persistence";

    private PassphraseInput() {
    }

    /**
     * @param file the {@code --passphrase-file} value or empty
     * @param stdin whether {@code --passphrase-stdin} was given
     * @param terminal whether standard input is a terminal
     */
    static Secret read(String file, boolean stdin, Recipe recipe, InputStream in, Console console, boolean terminal) throws LivengException {
        if (!file.isEmpty() && stdin) {
            throw new LivengException(ErrorCodes.USAGE, "--passphrase-file and --passphrase-stdin both given", "give the passphrase one way");
        }
        if (!file.isEmpty()) {
            return fromFile(Path.of(file), "--passphrase-file");
        }
        if (stdin) {
            return fromStream(in, "stdin");
        }
        String ref = recipe.get(RecipeSettings.PASSPHRASE);
        if (ref.startsWith("file:")) {
            return fromFile(Path.of(ref.substring(5)), "persistence.passphrase=" + ref);
        }
        if (ref.startsWith("env:")) {
            String name = ref.substring(4);
            String v = System.getenv(name);
            if (v == null || v.isEmpty()) {
                throw new LivengException(ErrorCodes.USAGE, "persistence.passphrase=" + ref + " names the environment variable " + name
                        + ", which is not set or empty", THREE_WAYS);
            }
            return new Secret(v.getBytes(StandardCharsets.UTF_8), "env:" + name);
        }
        if (ref.equals("stdin")) {
            return fromStream(in, "stdin");
        }
        if (!ref.equals("prompt")) {
            throw new LivengException(ErrorCodes.UNSUPPORTED, "persistence.passphrase=" + ref + " is not a passphrase source forge reads",
                    "use prompt, stdin, file:PATH or env:NAME");
        }
        if (!terminal || console == null) {
            throw new LivengException(ErrorCodes.USAGE, "the encrypted persistence needs a passphrase and there is no terminal to ask on",
                    THREE_WAYS);
        }
        return prompt(console);
    }

    /** Asks twice without echo; the two must match. */
    static Secret prompt(Console console) throws LivengException {
        char[] one = console.readPassword("liveng: passphrase for the encrypted persistence: ");
        char[] two = null;
        try {
            if (one == null || one.length == 0) {
                throw new LivengException(ErrorCodes.USAGE, "no passphrase typed; nothing was written", THREE_WAYS);
            }
            two = console.readPassword("liveng: the same passphrase again: ");
            if (two == null || !Arrays.equals(one, two)) {
                throw new LivengException(ErrorCodes.USAGE, "the two passphrases differ; nothing was written", "run forge again");
            }
            ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(one));
            byte[] bytes = new byte[bb.remaining()];
            bb.get(bytes);
            if (bb.hasArray()) {
                Arrays.fill(bb.array(), (byte) 0);
            }
            return new Secret(bytes, "prompt");
        } finally {
            if (one != null) {
                Arrays.fill(one, '\0');
            }
            if (two != null) {
                Arrays.fill(two, '\0');
            }
        }
    }

    /** A passphrase file: must exist, be a regular file, readable by its owner only. */
    static Secret fromFile(Path file, String where) throws LivengException {
        if (!Files.isRegularFile(file)) {
            throw new LivengException(ErrorCodes.NOT_FOUND, where + ": " + file + " is not a file", THREE_WAYS);
        }
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            throw new LivengException(ErrorCodes.IO, where + ": cannot read the permissions of " + file + ": " + e.getMessage(), null);
        }
        if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            throw new LivengException(ErrorCodes.USAGE, where + ": the passphrase file " + file + " is accessible by group or others (mode "
                    + java.nio.file.attribute.PosixFilePermissions.toString(perms) + "); refused, like ssh refuses such a key",
                    "chmod 600 " + file);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return fromStream(in, "file:" + file);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, where + ": cannot read " + file + ": " + e.getMessage(), null);
        }
    }

    /** Up to the first newline (not included) or the end; empty is refused. */
    static Secret fromStream(InputStream in, String origin) throws LivengException {
        byte[] buf = new byte[MAX_BYTES + 1];
        int n = 0;
        try {
            int c;
            while (n < buf.length && (c = in.read()) >= 0 && c != '\n') {
                buf[n++] = (byte) c;
            }
        } catch (IOException e) {
            Arrays.fill(buf, (byte) 0);
            throw new LivengException(ErrorCodes.IO, "cannot read the passphrase from " + origin + ": " + e.getMessage(), null);
        }
        if (n > 0 && buf[n - 1] == '\r') {
            n--;
        }
        if (n == 0 || n > MAX_BYTES) {
            Arrays.fill(buf, (byte) 0);
            throw new LivengException(ErrorCodes.USAGE, "the passphrase from " + origin + (n == 0 ? " is empty" : " is longer than "
                    + MAX_BYTES + " bytes"), THREE_WAYS);
        }
        byte[] out = Arrays.copyOf(buf, n);
        Arrays.fill(buf, (byte) 0);
        return new Secret(out, origin);
    }
}
