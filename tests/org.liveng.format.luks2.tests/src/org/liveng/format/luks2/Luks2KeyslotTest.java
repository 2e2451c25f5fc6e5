package org.liveng.format.luks2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.liveng.format.luks2.LuksFixtures.MIB;
import static org.liveng.format.luks2.LuksFixtures.OTHER;
import static org.liveng.format.luks2.LuksFixtures.PASSPHRASE;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveng.api.ErrorCodes;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;

/** Keyslot changes and header backup/restore, with cryptsetup checking every step. */
class Luks2KeyslotTest {
    private static final byte[] THIRD = "third passphrase".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    @Test
    void addChangeRemove() throws Exception {
        Path img = LuksFixtures.sparse(tmp.resolve("slots.img"), 20 * MIB);
        try (FileChannel ch = LuksFixtures.rw(img)) {
            ContainerRegion region = ContainerRegion.whole(ch);
            Luks2Container c = Luks2Container.create(region, LuksFixtures.options(LuksFixtures.PBKDF2, 512, 512),
                    LuksFixtures.secret(PASSPHRASE));
            try (Unlocked u = c.unlock(LuksFixtures.secret(PASSPHRASE))) {
                assertEquals(1, c.addKeyslot(u.key(), LuksFixtures.secret(OTHER), LuksFixtures.ARGON2ID, LuksFixtures.seeded(5)));
            }
            LuksFixtures.assertCryptsetupOpens(img, PASSPHRASE, "--key-slot", "0");
            LuksFixtures.assertCryptsetupOpens(img, OTHER, "--key-slot", "1");
            assertEquals(LuksFixtures.cryptsetup(null, "luksDump", img.toString()).stdoutText(), Luks2Container.open(region).dump());

            assertEquals(0, c.changePassphrase(LuksFixtures.secret(PASSPHRASE), LuksFixtures.secret(THIRD), null, LuksFixtures.seeded(6)));
            LuksFixtures.assertCryptsetupRefuses(img, PASSPHRASE);
            LuksFixtures.assertCryptsetupOpens(img, THIRD, "--key-slot", "0");
            LuksFixtures.assertCryptsetupOpens(img, OTHER);

            assertEquals(1, c.removePassphrase(LuksFixtures.secret(OTHER)));
            LuksFixtures.assertCryptsetupRefuses(img, OTHER);
            LuksFixtures.assertCryptsetupOpens(img, THIRD);
            Luks2Container reopened = Luks2Container.open(region);
            assertEquals(java.util.Set.of(0), reopened.metadata().keyslots().keySet());
            assertEquals(LuksFixtures.cryptsetup(null, "luksDump", img.toString()).stdoutText(), reopened.dump());

            LivengException last = assertThrows(LivengException.class, () -> reopened.removeKeyslot(0));
            assertEquals(ErrorCodes.USAGE, last.code());
            assertEquals(ErrorCodes.NOT_FOUND, assertThrows(LivengException.class, () -> reopened.removeKeyslot(7)).code());
            LivengException wrong = assertThrows(LivengException.class, () -> reopened.unlock(LuksFixtures.secret(OTHER)));
            assertTrue(wrong.getMessage().contains("no keyslot matches the passphrase"), wrong.getMessage());
        }
    }

    @Test
    void backupAndRestore() throws Exception {
        Path img = LuksFixtures.sparse(tmp.resolve("backup.img"), 20 * MIB);
        Path backup = tmp.resolve("header.backup");
        try (FileChannel ch = LuksFixtures.rw(img)) {
            ContainerRegion region = ContainerRegion.whole(ch);
            Luks2Container c = Luks2Container.create(region, LuksFixtures.options(LuksFixtures.PBKDF2, 256, 4096),
                    LuksFixtures.secret(PASSPHRASE));
            c.backupHeader(backup);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)));
            assertEquals(c.metadataSize(), Files.size(backup));
            assertEquals(ErrorCodes.USAGE, assertThrows(LivengException.class, () -> c.backupHeader(backup)).code());
            // the backup is a detached header cryptsetup understands
            LuksFixtures.cryptsetup(null, "luksDump", backup.toString());
            LuksFixtures.assertCryptsetupOpens(backup, PASSPHRASE);

            ch.write(ByteBuffer.allocate((int) (2 * c.header().hdrSize())), 0);
            assertThrows(FormatException.class, () -> Luks2Container.open(region));
            LuksFixtures.assertCryptsetupRefuses(img, PASSPHRASE);

            Luks2Container restored = Luks2Container.restoreHeader(region, backup);
            assertEquals(c.uuid(), restored.uuid());
            try (Unlocked u = restored.unlock(LuksFixtures.secret(PASSPHRASE))) {
                assertEquals(0, u.keyslot());
            }
            LuksFixtures.assertCryptsetupOpens(img, PASSPHRASE);
        }
        // a backup of another container is refused while the target's header is intact
        Path other = LuksFixtures.sparse(tmp.resolve("other.img"), 20 * MIB);
        try (FileChannel ch = LuksFixtures.rw(other)) {
            ContainerRegion region = ContainerRegion.whole(ch);
            Luks2Container.create(region, LuksFixtures.options(LuksFixtures.PBKDF2, 256, 512).withRandom(LuksFixtures.seeded(99)),
                    LuksFixtures.secret(OTHER));
            LivengException e = assertThrows(LivengException.class, () -> Luks2Container.restoreHeader(region, backup));
            assertTrue(e.getMessage().contains("is for container"), e.getMessage());
        }
    }
}
