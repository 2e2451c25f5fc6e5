package org.liveng.format.luks2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.liveng.format.luks2.LuksFixtures.MIB;
import static org.liveng.format.luks2.LuksFixtures.PASSPHRASE;
import static org.liveng.format.luks2.LuksFixtures.WRONG;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;

/** cryptsetup judges the LUKS2 containers we write, and we read the ones cryptsetup writes. */
class Luks2OracleTest {

    @TempDir
    Path tmp;

    static Kdf kdf(String name) {
        return name.equals("pbkdf2") ? LuksFixtures.PBKDF2 : name.equals("argon2i") ? Kdf.argon2i(4, 8192, 1) : LuksFixtures.ARGON2ID;
    }

    @ParameterizedTest(name = "{0}, {1}-bit key, {2}-byte sectors")
    @CsvSource({"argon2id, 512, 512", "argon2id, 256, 4096", "pbkdf2, 512, 4096", "pbkdf2, 256, 512", "argon2i, 512, 512"})
    void cryptsetupAcceptsOurContainer(String kdfName, int keyBits, int sectorSize) throws Exception {
        Path img = LuksFixtures.sparse(tmp.resolve("ours.img"), 20 * MIB);
        try (FileChannel ch = LuksFixtures.rw(img)) {
            Luks2Container c = Luks2Container.create(ContainerRegion.whole(ch), LuksFixtures.options(kdf(kdfName), keyBits, sectorSize)
                    .withLabel("liveng-test"), LuksFixtures.secret(PASSPHRASE));
            ch.force(true);
            String theirs = LuksFixtures.cryptsetup(null, "luksDump", img.toString()).stdoutText();
            assertEquals(theirs, c.dump(), "our dump should read like cryptsetup's");
            assertTrue(theirs.contains("sector: " + sectorSize + " [bytes]"), theirs);
            assertTrue(theirs.contains("Key:        " + keyBits + " bits"), theirs);
            String json = LuksFixtures.cryptsetup(null, "luksDump", "--dump-json-metadata", img.toString()).stdoutText();
            assertEquals(Json.parseObject(json.strip(), 0), Json.parseObject(c.dumpJson().strip(), 0));
            LuksFixtures.assertCryptsetupOpens(img, PASSPHRASE);
            LuksFixtures.assertCryptsetupRefuses(img, WRONG);
            try (Unlocked u = c.unlock(LuksFixtures.secret(PASSPHRASE))) {
                assertEquals(0, u.keyslot());
                assertEquals(keyBits / 8, u.key().length());
            }
        }
    }

    @ParameterizedTest(name = "cryptsetup luksFormat --pbkdf {0} --key-size {1} --sector-size {2}")
    @CsvSource({"pbkdf2, 512, 512", "pbkdf2, 256, 4096", "argon2id, 512, 4096", "argon2i, 256, 512"})
    void weOpenCryptsetupContainers(String kdfName, int keyBits, int sectorSize) throws Exception {
        Path img = LuksFixtures.sparse(tmp.resolve("theirs.img"), 20 * MIB);
        String[] cost = kdfName.equals("pbkdf2") ? new String[] {"--pbkdf-force-iterations", "1000"}
                : new String[] {"--pbkdf-force-iterations", "4", "--pbkdf-memory", "8192", "--pbkdf-parallel", "1"};
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("luksFormat", "--batch-mode", "--type", "luks2",
                "--pbkdf", kdfName, "--key-size", Integer.toString(keyBits), "--sector-size", Integer.toString(sectorSize), "--key-file=-"));
        args.addAll(java.util.List.of(cost));
        args.add(img.toString());
        LuksFixtures.cryptsetup(PASSPHRASE, args.toArray(String[]::new));
        try (FileChannel ch = LuksFixtures.rw(img)) {
            Luks2Container c = Luks2Container.open(ContainerRegion.whole(ch));
            assertEquals(LuksFixtures.cryptsetup(null, "luksDump", img.toString()).stdoutText(), c.dump());
            assertTrue(c.notes().isEmpty(), c.notes().toString());
            LivengException wrong = assertThrows(LivengException.class, () -> c.unlock(LuksFixtures.secret(WRONG)));
            assertEquals(ErrorCodes.USAGE, wrong.code());
            assertTrue(wrong.getMessage().contains("no keyslot matches the passphrase"), wrong.getMessage());
            try (Unlocked u = c.unlock(LuksFixtures.secret(PASSPHRASE)); CryptChannel data = c.openData(u.key())) {
                assertEquals(20 * MIB - 16 * MIB, data.size());
                assertEquals(sectorSize, data.sectorSize());
                // write through our channel, cryptsetup must still open it and we must read back what we wrote
                byte[] text = LuksFixtures.random(9, 3 * sectorSize + 100);
                data.position(sectorSize / 2).write(ByteBuffer.wrap(text));
                ByteBuffer back = ByteBuffer.allocate(text.length);
                data.position(sectorSize / 2);
                while (back.hasRemaining() && data.read(back) > 0) {
                    // reads up to 1 MiB per call
                }
                assertArrayEquals(text, back.array());
            }
        }
        LuksFixtures.assertCryptsetupOpens(img, PASSPHRASE);
    }
}
