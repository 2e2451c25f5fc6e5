package org.liveng.keys;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.Secret;

/**
 * Resolves secret references (recipe type SECRET_REF) into {@link Secret}s: {@code file:PATH} (the
 * file's bytes without one trailing newline), {@code env:NAME}, {@code stdin} (one line), {@code prompt}
 * (the terminal, not echoed), {@code none}. A reference never is the secret itself.
 */
public final class SecretReferences {
    private SecretReferences() {
    }

    /**
     * @param what what is asked for, for the prompt and messages (e.g. "passphrase of db.key")
     * @return the secret, or {@code null} for {@code none} or an empty reference
     */
    public static Secret resolve(String reference, String what) throws LivengException {
        if (reference == null || reference.isEmpty() || reference.equals("none")) {
            return null;
        }
        if (reference.startsWith("file:")) {
            Path p = Path.of(reference.substring(5));
            try {
                return new Secret(stripNewline(Files.readAllBytes(p)), "file:" + p);
            } catch (IOException e) {
                throw new LivengException(ErrorCodes.NOT_FOUND, "cannot read the " + what + " from " + p + ": " + e.getClass().getSimpleName(),
                        "give file:PATH of a readable file");
            }
        }
        if (reference.startsWith("env:")) {
            String name = reference.substring(4);
            String v = System.getenv(name);
            if (v == null) {
                throw new LivengException(ErrorCodes.USAGE, "the " + what + " was to come from the environment variable " + name + ", which is not set",
                        "export " + name + " or use file:PATH or prompt");
            }
            return new Secret(v.getBytes(StandardCharsets.UTF_8), "env:" + name);
        }
        if (reference.equals("stdin")) {
            // the process's own standard input: in a Gogo session System.in is a per-thread proxy
            return new Secret(readLine(new java.io.FileInputStream(java.io.FileDescriptor.in)), "stdin");
        }
        if (reference.equals("prompt")) {
            Console c = System.console();
            if (c == null) {
                throw new LivengException(ErrorCodes.USAGE, "the " + what + " is to be typed, but there is no terminal",
                        "use file:PATH, env:NAME or stdin");
            }
            char[] typed = c.readPassword("%s: ", what);
            if (typed == null) {
                throw new LivengException(ErrorCodes.USAGE, "no " + what + " was typed", null);
            }
            return new Secret(utf8(typed), "prompt");
        }
        throw new LivengException(ErrorCodes.USAGE, "the value given for the " + what + " is not a secret reference (not repeated here)",
                "use file:PATH, env:NAME, stdin, prompt or none");
    }

    /** The secret as characters (for JCA passwords and PINs); the caller wipes the array. */
    public static char[] chars(Secret secret) {
        byte[] b = secret.copy();
        try {
            CharBuffer cb = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(b));
            char[] c = new char[cb.remaining()];
            cb.get(c);
            Arrays.fill(cb.array(), '\0');
            return c;
        } finally {
            Arrays.fill(b, (byte) 0);
        }
    }

    static byte[] utf8(char[] c) {
        ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(c));
        byte[] b = new byte[bb.remaining()];
        bb.get(b);
        Arrays.fill(bb.array(), (byte) 0);
        Arrays.fill(c, '\0');
        return b;
    }

    private static byte[] stripNewline(byte[] b) {
        int n = b.length;
        if (n > 0 && b[n - 1] == '\n') {
            n--;
            if (n > 0 && b[n - 1] == '\r') {
                n--;
            }
        }
        if (n == b.length) {
            return b;
        }
        byte[] r = Arrays.copyOf(b, n);
        Arrays.fill(b, (byte) 0);
        return r;
    }

    private static byte[] readLine(InputStream in) throws LivengException {
        byte[] buf = new byte[1024];
        int n = 0;
        try {
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (n == buf.length) {
                    throw new LivengException(ErrorCodes.USAGE, "the secret on stdin is longer than 1024 bytes", null);
                }
                buf[n++] = (byte) c;
            }
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot read the secret from stdin: " + e.getMessage(), null);
        }
        if (n > 0 && buf[n - 1] == '\r') {
            n--;
        }
        byte[] r = Arrays.copyOf(buf, n);
        Arrays.fill(buf, (byte) 0);
        return r;
    }
}
