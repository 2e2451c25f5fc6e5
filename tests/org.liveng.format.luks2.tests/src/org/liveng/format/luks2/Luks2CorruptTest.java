package org.liveng.format.luks2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.liveng.format.luks2.LuksFixtures.PASSPHRASE;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;
import org.liveng.testing.MemoryChannel;

/** Damaged and hostile headers: a clean error naming what and where, never a hang, a huge allocation or a stray exception. */
class Luks2CorruptTest {
    /** Small layout so the fuzzer works in memory: 16 KiB headers, 480 KiB keyslots, data at 512 KiB. */
    private static final long DATA = 512 * 1024;
    private static final long SIZE = DATA + 64 * 1024;
    private static final int HDR = 16384;
    private static byte[] good;

    @BeforeAll
    static void container() throws Exception {
        MemoryChannel ch = MemoryChannel.ofSize(SIZE);
        Luks2Container.create(ContainerRegion.whole(ch), LuksFixtures.options(LuksFixtures.PBKDF2, 512, 512).withLayout(DATA - 2 * HDR, DATA),
                LuksFixtures.secret(PASSPHRASE));
        good = ch.toByteArray();
    }

    private static Luks2Container open(byte[] image) throws LivengException {
        return Luks2Container.open(ContainerRegion.whole(new MemoryChannel(image.clone())));
    }

    /** Rewrites the JSON text of both copies and recomputes their checksums, as a hostile writer would. */
    static byte[] withJson(byte[] image, UnaryOperator<String> edit) throws Exception {
        byte[] b = image.clone();
        for (long at : new long[] {0, HDR}) {
            byte[] copy = java.util.Arrays.copyOfRange(b, (int) at, (int) at + HDR);
            Luks2BinaryHeader h = Luks2BinaryHeader.parse(copy, at);
            int end = Luks2BinaryHeader.SIZE;
            while (copy[end] != 0) {
                end++;
            }
            String json = new String(copy, Luks2BinaryHeader.SIZE, end - Luks2BinaryHeader.SIZE, StandardCharsets.UTF_8);
            byte[] out = h.toBytes(edit.apply(json).getBytes(StandardCharsets.UTF_8));
            System.arraycopy(out, 0, b, (int) at, out.length);
        }
        return b;
    }

    @Test
    void damagedPrimaryFallsBackToSecondary() throws Exception {
        byte[] b = good.clone();
        b[Luks2BinaryHeader.SIZE + 10] ^= 0x20; // inside the primary JSON area
        Luks2Container c = open(b);
        assertEquals(1, c.notes().size());
        assertTrue(c.notes().get(0).contains("checksum mismatch"), c.notes().toString());
        try (Unlocked u = c.unlock(LuksFixtures.secret(PASSPHRASE))) {
            assertEquals(0, u.keyslot());
        }
        b = good.clone();
        ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).putLong(Luks2BinaryHeader.OFF_HDR_SIZE, 1L << 40);
        assertTrue(open(b).notes().get(0).contains("hdr_size"), "absurd primary hdr_size: secondary used");
        b = good.clone();
        b[0] = 'X';
        assertTrue(open(b).notes().get(0).contains("bad magic"));
    }

    @Test
    void bothCopiesDamagedIsAnError() {
        byte[] b = good.clone();
        b[Luks2BinaryHeader.SIZE + 10] ^= 0x20;
        b[HDR + Luks2BinaryHeader.SIZE + 10] ^= 0x20;
        FormatException e = assertThrows(FormatException.class, () -> open(b));
        assertTrue(e.getMessage().contains("primary") && e.getMessage().contains("secondary"), e.getMessage());
        assertTrue(e.getMessage().contains("checksum mismatch at offset") || e.getMessage().contains("offset 16384"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "keyslot area beyond the device | \"offset\":\"32768\" | \"offset\":\"99999999999\" | lies outside the keyslots area",
        "keyslot key_size lies | \"key_size\":64,\"af\" | \"key_size\":48,\"af\" | key_size 48",
        "unknown kdf | \"type\":\"pbkdf2\",\"hash\":\"sha256\",\"iterations\":1000,\"salt\" | \"type\":\"scrypt\",\"hash\":\"sha256\",\"iterations\":1000,\"salt\" | scrypt",
        "absurd pbkdf2 iterations | \"iterations\":1000,\"salt\" | \"iterations\":4000000000000,\"salt\" | iterations",
        "keyslots_size beyond the device | \"keyslots_size\":\"491520\" | \"keyslots_size\":\"999999999995904\" | beyond the end of the container",
        "json_size lies | \"json_size\":\"12288\" | \"json_size\":\"4194304\" | json_size",
        "digest names a missing keyslot | \"keyslots\":[\"0\"] | \"keyslots\":[\"0\",\"9\"] | keyslot 9",
        "not JSON | {\"keyslots\" | [{\"keyslots\" | expected '{'",
        "deep nesting | \"tokens\":{} | \"tokens\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]] | nested deeper",
    })
    void hostileJsonIsRefused(String name, String from, String to, String expected) throws Exception {
        String json = Json.write(open(good).metadata().json());
        assertTrue(json.contains(from), name + ": the fixture should contain " + from + " in " + json);
        byte[] b = withJson(good, j -> j.replace(from, to));
        LivengException e = assertThrows(LivengException.class, () -> open(b));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void hugeArgon2MemoryIsRefusedBeforeAllocating() throws Exception {
        MemoryChannel ch = MemoryChannel.ofSize(SIZE);
        Luks2Container.create(ContainerRegion.whole(ch), LuksFixtures.options(LuksFixtures.ARGON2ID, 512, 512).withLayout(DATA - 2 * HDR, DATA),
                LuksFixtures.secret(PASSPHRASE));
        byte[] b = withJson(ch.toByteArray(), j -> j.replace("\"memory\":8192", "\"memory\":8388608"));
        LivengException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(LivengException.class, () -> open(b)));
        assertTrue(e.getMessage().contains("4 GiB") && e.getMessage().contains("keyslots.0.kdf"), e.getMessage());
        LivengException create = assertThrows(LivengException.class, () -> Luks2Container.create(
                ContainerRegion.whole(MemoryChannel.ofSize(SIZE)), LuksFixtures.options(Kdf.argon2id(4, 5L << 20, 1), 512, 512).withLayout(DATA - 2 * HDR, DATA),
                LuksFixtures.secret(PASSPHRASE)));
        assertTrue(create.getMessage().contains("4 GiB"), create.getMessage());
    }

    /** Seeded random damage to the metadata: only our exceptions, quickly. */
    @Test
    void fuzzedHeadersFailCleanly() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Random r = new Random(20240601);
            int opened = 0;
            for (int i = 0; i < 400; i++) {
                byte[] b;
                if (i % 2 == 0) {
                    b = good.clone();
                    for (int n = 1 + r.nextInt(8); n > 0; n--) {
                        int at = r.nextInt(2) == 0 ? r.nextInt(512) : r.nextInt(2 * HDR);
                        b[at] = (byte) r.nextInt(256);
                    }
                } else {
                    // damage the JSON text but keep the checksums right, so the parser and validator see it
                    b = withJson(good, j -> {
                        char[] c = j.toCharArray();
                        for (int n = 1 + r.nextInt(4); n > 0; n--) {
                            c[r.nextInt(c.length)] = "{}[]\":,0123456789-x \\".charAt(r.nextInt(21));
                        }
                        return new String(c);
                    });
                }
                try {
                    open(b);
                    opened++;
                } catch (LivengException expected) {
                    assertFalse(expected.getMessage().isBlank());
                }
            }
            assertTrue(opened > 0 && opened < 400, "some damage is survivable (one copy left), most JSON damage is not: " + opened);
        });
    }
}
