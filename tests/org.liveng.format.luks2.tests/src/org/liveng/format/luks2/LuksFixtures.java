package org.liveng.format.luks2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.liveng.api.Secret;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ExecResult;
import org.liveng.testing.Oracles;

/** Cheap KDF costs, deterministic randomness and cryptsetup as the judge, for all LUKS tests. */
final class LuksFixtures {
    static final long MIB = 1 << 20;
    static final byte[] PASSPHRASE = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
    static final byte[] OTHER = "Tr0ub4dor&3 \u00e9t\u00e9".getBytes(StandardCharsets.UTF_8);
    static final byte[] WRONG = "wrong passphrase".getBytes(StandardCharsets.UTF_8);
    static final Kdf PBKDF2 = Kdf.pbkdf2("sha256", 1000);
    static final Kdf ARGON2ID = Kdf.argon2id(4, 8192, 1);

    private LuksFixtures() {
    }

    static Secret secret(byte[] b) {
        return new Secret(b.clone(), "test");
    }

    /** A SecureRandom whose output depends only on {@code seed}. */
    static SecureRandom seeded(long seed) {
        return new SecureRandom() {
            private static final long serialVersionUID = 1L;
            private final Random r = new Random(seed);

            @Override
            public void nextBytes(byte[] bytes) {
                r.nextBytes(bytes);
            }
        };
    }

    static Luks2Options options(Kdf kdf, int keyBits, int sectorSize) {
        return Luks2Options.of(kdf).withKeyBits(keyBits).withSectorSize(sectorSize).withRandom(seeded(42));
    }

    /** A sparse file of {@code size} bytes. */
    static Path sparse(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.truncate(size);
            ch.write(java.nio.ByteBuffer.allocate(1), size - 1);
        }
        return file;
    }

    static FileChannel rw(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static ExecResult cryptsetup(byte[] stdin, String... args) {
        Command c = Command.of("cryptsetup", args).fromPackage("cryptsetup-bin");
        if (stdin != null) {
            c.stdin(stdin);
        }
        return Oracles.run(c);
    }

    static ExecResult cryptsetupAllowingFailure(byte[] stdin, String... args) throws Exception {
        Command c = Command.of("cryptsetup", args).fromPackage("cryptsetup-bin");
        if (stdin != null) {
            c.stdin(stdin);
        }
        return Oracles.RUNNER.runAllowingFailure(c);
    }

    /** cryptsetup accepts {@code pass} for {@code image} (passphrase on standard input, never in argv). */
    static void assertCryptsetupOpens(Path image, byte[] pass, String... extra) throws Exception {
        List<String> a = new ArrayList<>(List.of("open", "--test-passphrase", "--key-file=-"));
        a.addAll(List.of(extra));
        a.add(image.toString());
        ExecResult r = cryptsetupAllowingFailure(pass, a.toArray(String[]::new));
        assertEquals(0, r.exitCode(), "cryptsetup open --test-passphrase " + image + ": " + r.stderr());
    }

    static void assertCryptsetupRefuses(Path image, byte[] pass) throws Exception {
        ExecResult r = cryptsetupAllowingFailure(pass, "open", "--test-passphrase", "--key-file=-", image.toString());
        assertNotEquals(0, r.exitCode(), "cryptsetup accepted a passphrase it should refuse");
    }

    static byte[] read(Path p) throws IOException {
        return Files.readAllBytes(p);
    }
}
