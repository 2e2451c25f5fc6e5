package org.liveng.format.luks2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.liveng.format.luks2.LuksFixtures.MIB;
import static org.liveng.format.luks2.LuksFixtures.PASSPHRASE;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;

/** Only the data ranges of a sparse plaintext image are encrypted; the rest of the segment is never written. */
class EncryptRangesTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}-byte sectors")
    @ValueSource(ints = {512, 4096})
    void onlyRangesAreWritten(int sectorSize) throws Exception {
        long dataSize = 8 * MIB;
        Path plainFile = LuksFixtures.sparse(tmp.resolve("plain.img"), dataSize);
        // unaligned ranges: the widening to whole sectors must read the neighbouring plaintext
        List<DataRange> ranges = List.of(new DataRange(0, 1000), new DataRange(MIB + 100, 3 * MIB), new DataRange(7 * MIB, 5000),
                new DataRange(MIB + 50, 10));
        try (FileChannel p = LuksFixtures.rw(plainFile)) {
            for (DataRange r : ranges) {
                p.write(ByteBuffer.wrap(LuksFixtures.random(r.offset(), (int) r.length())), r.offset());
            }
        }
        byte[] plain = Files.readAllBytes(plainFile);
        Path img = LuksFixtures.sparse(tmp.resolve("container.img"), 16 * MIB + dataSize);
        try (FileChannel ch = LuksFixtures.rw(img); FileChannel p = LuksFixtures.rw(plainFile)) {
            Luks2Container c = Luks2Container.create(ContainerRegion.whole(ch), LuksFixtures.options(LuksFixtures.PBKDF2, 512, sectorSize),
                    LuksFixtures.secret(PASSPHRASE));
            try (Unlocked u = c.unlock(LuksFixtures.secret(PASSPHRASE))) {
                long written = c.encryptRanges(u.key(), p, ranges);
                long expected = sectorSize == 512 ? 1024 + (3 * MIB + 512) + 5120 : 4096 + (3 * MIB + 4096) + 8192;
                assertEquals(expected, written);
                byte[] raw = Files.readAllBytes(img);
                byte[] decrypted;
                try (CryptChannel data = c.openData(u.key())) {
                    decrypted = Luks2CiphertextTest.readAll(data);
                }
                for (long s = 0; s < dataSize; s += sectorSize) {
                    boolean inRange = false;
                    for (DataRange r : ranges) {
                        inRange |= s < r.end() && s + sectorSize > r.offset();
                    }
                    int at = (int) (16 * MIB + s);
                    if (inRange) {
                        assertArrayEquals(Arrays.copyOfRange(plain, (int) s, (int) s + sectorSize),
                                Arrays.copyOfRange(decrypted, (int) s, (int) s + sectorSize), "sector at " + s);
                    } else {
                        assertArrayEquals(new byte[sectorSize], Arrays.copyOfRange(raw, at, at + sectorSize), "untouched sector at " + s);
                    }
                }
                LivengException e = assertThrows(LivengException.class,
                        () -> c.encryptRanges(u.key(), p, List.of(new DataRange(dataSize - 10, 20))));
                assertEquals(ErrorCodes.USAGE, e.code());
            }
        }
    }
}
