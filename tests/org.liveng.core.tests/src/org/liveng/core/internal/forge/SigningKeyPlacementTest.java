package org.liveng.core.internal.forge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ProcessRunner;

/**
 * The key folder forge stages for {@code agent.signing-key} and the two wipes after {@code mke2fs -d}: the staged key
 * file is zeroed in place (seen through a second hard link) before it goes, and the blocks debugfs names as the key's
 * in the plaintext ext4 image are zeroed (debugfs then reads zeros, and no line of the key is left in the image).
 */
class SigningKeyPlacementTest {
    private static final ProcessRunner RUNNER = new ProcessRunner();

    private static byte[] run(String... argv) throws Exception {
        return RUNNER.run(Command.of(List.of(argv))).stdout();
    }

    @Test
    void theStagedKeyHasItsModesAndBothWipesLeaveNoKeyBytes(@TempDir Path dir) throws Exception {
        Path owner = Files.createDirectories(dir.resolve("owner"));
        run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", owner.resolve("mok.key").toString());
        run("openssl", "req", "-new", "-x509", "-key", owner.resolve("mok.key").toString(), "-subj", "/CN=liveng test MOK", "-days", "1",
                "-out", owner.resolve("mok.crt").toString());
        SigningKeyPlacement.Key key = new SigningKeyPlacement.Key("mok", owner.resolve("mok.key"), owner.resolve("mok.crt"));
        Path tree = dir.resolve("tree");
        Path upper = tree.resolve(InitrdFix.OVERLAY_UPPER);
        SigningKeyPlacement.place(key, upper);

        Path folder = upper.resolve(SigningKeyPlacement.DIR);
        Path staged = SigningKeyPlacement.staged(key, upper);
        assertEquals(folder.resolve("mok.key"), staged);
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(upper.resolve("etc/liveng"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(staged)));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("mok.crt"))));
        assertEquals(-1L, Files.mismatch(key.key(), staged));
        assertEquals(-1L, Files.mismatch(key.certificate(), folder.resolve("mok.crt")));

        // the filesystem as forge makes it, and the key's blocks as debugfs names them
        Path img = dir.resolve("persistence.ext4");
        run("mkfs.ext4", "-q", "-F", "-b", "4096", "-d", tree.toString(), img.toString(), "8M");
        String path = SigningKeyPlacement.fsPath(key);
        assertEquals("/rw/etc/liveng/keys/mok.key", path);
        List<Long> blocks = SigningKeyPlacement.blocks(new String(run("debugfs", "-R", "blocks " + path, img.toString()), StandardCharsets.US_ASCII));
        assertFalse(blocks.isEmpty(), "debugfs names the key's blocks");
        byte[] original = Files.readAllBytes(key.key());
        assertArrayEquals(original, run("debugfs", "-R", "cat " + path, img.toString()));
        byte[] line = Files.readString(key.key(), StandardCharsets.US_ASCII).lines().filter(l -> !l.startsWith("-----")).skip(3).findFirst()
                .orElseThrow().getBytes(StandardCharsets.US_ASCII);
        assertTrue(contains(Files.readAllBytes(img), line), "the probe finds the key in the image before the wipe");

        // the staged file: zeroed where it lies (a second link sees the same inode), then gone
        Path link = Files.createLink(dir.resolve("second-link"), staged);
        SigningKeyPlacement.wipeFile(staged);
        assertFalse(Files.exists(staged));
        assertArrayEquals(new byte[original.length], Files.readAllBytes(link), "the staged key's bytes are zeroed before deletion");

        // the image: the key's blocks zeroed
        SigningKeyPlacement.wipeBlocks(img, blocks, 4096);
        assertArrayEquals(new byte[original.length], run("debugfs", "-R", "cat " + path, img.toString()));
        assertFalse(contains(Files.readAllBytes(img), line), "a line of the key is still in the image");
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        return new String(hay, StandardCharsets.ISO_8859_1).contains(new String(needle, StandardCharsets.ISO_8859_1));
    }
}
