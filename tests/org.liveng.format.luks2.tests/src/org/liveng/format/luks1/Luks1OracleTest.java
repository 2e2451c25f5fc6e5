package org.liveng.format.luks1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.liveng.api.LivengException;
import org.liveng.api.Secret;
import org.liveng.format.luks2.ContainerRegion;
import org.liveng.format.luks2.CryptChannel;
import org.liveng.format.luks2.Unlocked;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ExecResult;
import org.liveng.testing.Oracles;

/** LUKS1 both ways with cryptsetup as the judge. */
class Luks1OracleTest {
    private static final byte[] PASS = "luks1 passphrase".getBytes(StandardCharsets.UTF_8);
    private static final long MIB = 1 << 20;

    @TempDir
    Path tmp;

    private static ExecResult cryptsetup(byte[] stdin, String... args) throws Exception {
        Command c = Command.of("cryptsetup", args).fromPackage("cryptsetup-bin");
        if (stdin != null) {
            c.stdin(stdin);
        }
        return Oracles.RUNNER.runAllowingFailure(c);
    }

    private Path image() throws Exception {
        Path img = tmp.resolve("luks1.img");
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), 4 * MIB - 1);
        }
        return img;
    }

    @ParameterizedTest(name = "ours: {0}, {1} bits")
    @CsvSource({"sha256, 512", "sha1, 256", "sha512, 512"})
    void cryptsetupAcceptsOurs(String hash, int keyBits) throws Exception {
        Path img = image();
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Luks1Container c = Luks1Container.create(ContainerRegion.whole(ch),
                    new Luks1Container.Options(keyBits, hash, 1000, 1000, null, new SecureRandom()), new Secret(PASS.clone(), "test"));
            ExecResult dump = cryptsetup(null, "luksDump", img.toString());
            assertEquals(0, dump.exitCode(), dump.stderr());
            assertTrue(dump.stdoutText().contains("Version:       \t1"), dump.stdoutText());
            assertTrue(dump.stdoutText().contains("Hash spec:     \t" + hash), dump.stdoutText());
            assertEquals(0, cryptsetup(PASS, "open", "--test-passphrase", "--key-file=-", img.toString()).exitCode());
            assertEquals(2, cryptsetup("nope".getBytes(StandardCharsets.UTF_8), "open", "--test-passphrase", "--key-file=-", img.toString()).exitCode());
            ExecResult vk = cryptsetup(PASS, "luksDump", "--dump-volume-key", "--batch-mode", "--key-file=-", img.toString());
            assertEquals(0, vk.exitCode(), vk.stderr());
            try (Unlocked u = c.unlock(PASS)) {
                assertEquals(HexFormat.of().formatHex(u.key().copy()), volumeKeyHex(vk.stdoutText()));
            }
        }
    }

    @ParameterizedTest(name = "made by cryptsetup: {0}, {1} bits")
    @CsvSource({"sha256, 512", "sha1, 256", "sha512, 256"})
    void weOpenCryptsetups(String hash, int keyBits) throws Exception {
        Path img = image();
        ExecResult f = cryptsetup(PASS, "luksFormat", "--batch-mode", "--type", "luks1", "--hash", hash, "--key-size",
                Integer.toString(keyBits), "--pbkdf-force-iterations", "1000", "--key-file=-", img.toString());
        assertEquals(0, f.exitCode(), f.stderr());
        ExecResult vk = cryptsetup(PASS, "luksDump", "--dump-volume-key", "--batch-mode", "--key-file=-", img.toString());
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Luks1Container c = Luks1Container.open(ContainerRegion.whole(ch));
            LivengException e = assertThrows(LivengException.class, () -> c.unlock("nope".getBytes(StandardCharsets.UTF_8)));
            assertTrue(e.getMessage().contains("no keyslot matches the passphrase"), e.getMessage());
            try (Unlocked u = c.unlock(PASS); CryptChannel data = c.openData(u.key())) {
                assertEquals(volumeKeyHex(vk.stdoutText()), HexFormat.of().formatHex(u.key().copy()));
                byte[] text = "hello luks1".getBytes(StandardCharsets.UTF_8);
                data.position(700).write(ByteBuffer.wrap(text));
                ByteBuffer back = ByteBuffer.allocate(text.length);
                data.position(700).read(back);
                assertArrayEquals(text, back.array());
            }
        }
        assertEquals(0, cryptsetup(PASS, "open", "--test-passphrase", "--key-file=-", img.toString()).exitCode());
    }

    /** The hex bytes after "MK dump:" (cryptsetup 2.6 prints them in lines of 16). */
    static String volumeKeyHex(String dump) {
        StringBuilder sb = new StringBuilder();
        boolean in = false;
        for (String line : dump.split("\n")) {
            if (line.startsWith("MK dump:")) {
                in = true;
                line = line.substring("MK dump:".length());
            } else if (in && !line.startsWith("\t") && !line.startsWith(" ")) {
                break;
            }
            if (in) {
                sb.append(line.replaceAll("[^0-9a-fA-F]", ""));
            }
        }
        return sb.toString().toLowerCase();
    }
}
