package org.liveng.format.luks2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.liveng.format.luks2.LuksFixtures.MIB;
import static org.liveng.format.luks2.LuksFixtures.PASSPHRASE;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Byte-for-byte agreement with dm-crypt's data encryption as cryptsetup does
 * it offline: {@code reencrypt --encrypt} with a known volume key and a
 * detached header, versus our encryption with the same key; and our
 * ciphertext decrypted by {@code reencrypt --decrypt}.
 */
class Luks2CiphertextTest {
    private static final int DATA = 3 * (int) MIB;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}-bit key, {1}-byte sectors")
    @CsvSource({"512, 512", "512, 4096", "256, 512", "256, 4096"})
    void sameCiphertextAsCryptsetup(int keyBits, int sectorSize) throws Exception {
        byte[] plain = LuksFixtures.random(keyBits + sectorSize, DATA);
        byte[] vk = LuksFixtures.random(7, keyBits / 8);
        Path vkFile = Files.write(tmp.resolve("vk.bin"), vk);
        Path theirData = Files.write(tmp.resolve("their-data.img"), plain);
        Path theirHeader = tmp.resolve("their-header.img");
        LuksFixtures.cryptsetup(PASSPHRASE, "reencrypt", "--encrypt", "--batch-mode", "--type", "luks2", "--force-offline-reencrypt",
                "--header", theirHeader.toString(), "--volume-key-file", vkFile.toString(), "--key-size", Integer.toString(keyBits),
                "--sector-size", Integer.toString(sectorSize), "--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000", "--key-file=-",
                theirData.toString());
        byte[] theirCipher = Files.readAllBytes(theirData);

        // their container, read by us through the detached header
        try (FileChannel h = LuksFixtures.rw(theirHeader); FileChannel d = LuksFixtures.rw(theirData)) {
            Luks2Container c = Luks2Container.open(ContainerRegion.whole(h));
            try (Unlocked u = c.unlock(LuksFixtures.secret(PASSPHRASE)); CryptChannel data = c.openData(u.key(), ContainerRegion.whole(d))) {
                assertArrayEquals(vk, u.key().copy(), "the volume key cryptsetup was given");
                assertArrayEquals(plain, readAll(data));
            }
        }

        // our container with the same key: the same ciphertext
        Path ourHeader = LuksFixtures.sparse(tmp.resolve("our-header.img"), MIB);
        Path ourData = LuksFixtures.sparse(tmp.resolve("our-data.img"), DATA);
        try (FileChannel h = LuksFixtures.rw(ourHeader); FileChannel d = LuksFixtures.rw(ourData);
                FileChannel p = FileChannel.open(Files.write(tmp.resolve("plain.img"), plain), StandardOpenOption.READ);
                VolumeKey key = new VolumeKey(vk.clone())) {
            Luks2Options o = LuksFixtures.options(LuksFixtures.PBKDF2, keyBits, sectorSize).withLayout(MIB - 32768, 0);
            Luks2Container c = Luks2Container.create(ContainerRegion.whole(h), o, LuksFixtures.secret(PASSPHRASE), key);
            try (CryptChannel data = c.openData(key, ContainerRegion.whole(d))) {
                assertEquals(DATA, data.encryptRanges(p, List.of(new DataRange(0, DATA))));
            }
        }
        assertArrayEquals(theirCipher, Files.readAllBytes(ourData), "our ciphertext equals cryptsetup's");

        // and cryptsetup decrypts ours
        LuksFixtures.cryptsetup(PASSPHRASE, "reencrypt", "--decrypt", "--batch-mode", "--force-offline-reencrypt", "--header",
                ourHeader.toString(), "--key-file=-", ourData.toString());
        assertArrayEquals(plain, Files.readAllBytes(ourData), "cryptsetup reencrypt --decrypt of our container");
    }

    static byte[] readAll(CryptChannel c) throws Exception {
        ByteBuffer b = ByteBuffer.allocate((int) c.size());
        c.position(0);
        while (b.hasRemaining() && c.read(b) > 0) {
            // up to 1 MiB per read
        }
        return b.array();
    }
}
