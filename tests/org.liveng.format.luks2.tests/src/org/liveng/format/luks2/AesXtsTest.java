package org.liveng.format.luks2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Our XTS loop against IEEE Std 1619-2007 Annex B (cryptsetup judges the 256-bit and 4096-byte cases in Luks2CiphertextTest). */
class AesXtsTest {
    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest(name = "IEEE 1619 vector {0}")
    @CsvSource({
        "1, 00000000000000000000000000000000, 00000000000000000000000000000000, 0, "
                + "0000000000000000000000000000000000000000000000000000000000000000, "
                + "917cf69ebd68b2ec9b9fe9a3eadda692cd43d2f59598ed858c02c2652fbf922e",
        "2, 11111111111111111111111111111111, 22222222222222222222222222222222, 3333333333, "
                + "4444444444444444444444444444444444444444444444444444444444444444, "
                + "c454185e6a16936e39334038acef838bfb186fff7480adc4289382ecd6d394f0",
    })
    void ieeeVectors(int vector, String key1, String key2, String sequence, String plain, String cipher) {
        byte[] key = HEX.parseHex(key1 + key2);
        byte[] buf = HEX.parseHex(plain);
        long unit = Long.parseLong(sequence, 16);
        try (AesXts x = new AesXts(key)) {
            x.encrypt(buf, 0, buf.length, unit, buf.length);
            assertEquals(cipher, HEX.formatHex(buf));
            x.decrypt(buf, 0, buf.length, unit, buf.length);
            assertEquals(plain, HEX.formatHex(buf));
        }
    }

    /** Vector 4: a 512-byte data unit, 0x00..0xff twice, key 2718.. || 3141.. (digits of e and pi). */
    @Test
    void ieeeVector4() {
        byte[] key = HEX.parseHex("27182818284590452353602874713526" + "31415926535897932384626433832795");
        byte[] buf = new byte[512];
        for (int i = 0; i < 512; i++) {
            buf[i] = (byte) i;
        }
        String expected = "27a7479befa1d476489f308cd4cfa6e2a96e4bbe3208ff25287dd3819616e89cc78cf7f5e543445f8333d8fa7f560000"
                + "05279fa5d8b5e4ad40e736ddb4d35412328063fd2aab53e5ea1e0a9f332500a5df9487d07a5c92cc512c8866c7e860ce93fdf166a2"
                + "4912b422976146ae20ce846bb7dc9ba94a767aaef20c0d61ad02655ea92dc4c4e41a8952c651d33174be51a10c421110e6d81588ed"
                + "e82103a252d8a750e8768defffed9122810aaeb99f9172af82b604dc4b8e51bcb08235a6f4341332e4ca60482a4ba1a03b3e65008f"
                + "c5da76b70bf1690db4eae29c5f1badd03c5ccf2a55d705ddcd86d449511ceb7ec30bf12b1fa35b913f9f747a8afd1b130e94bff94e"
                + "ffd01a91735ca1726acd0b197c4e5b03393697e126826fb6bbde8ecc1e08298516e2c9ed03ff3c1b7860f6de76d4cecd94c8119855"
                + "ef5297ca67e9f3e7ff72b1e99785ca0a7e7720c5b36dc6d72cac9574c8cbbc2f801e23e56fd344b07f22154beba0f08ce8891e643e"
                + "d995c94d9a69c9f1b5f499027a78572aeebd74d20cc39881c213ee770b1010e4bea718846977ae119f7a023ab58cca0ad752afe656"
                + "bb3c17256a9f6e9bf19fdd5a38fc82bbe872c5539edb609ef4f79c203ebb140f2e583cb2ad15b4aa5b655016a8449277dbd477ef2c"
                + "8d6c017db738b18deb4a427d1923ce3ff262735779a418f20a282df920147beabe421ee5319d0568";
        try (AesXts x = new AesXts(key)) {
            x.encrypt(buf, 0, 512, 0, 512);
        }
        assertEquals(expected, HEX.formatHex(buf));
    }

    /** Batching many sectors in one call gives the same bytes as one sector at a time, for both key sizes. */
    @ParameterizedTest
    @CsvSource({"32, 512", "64, 512", "64, 4096", "32, 4096"})
    void batchEqualsSectorBySector(int keyBytes, int sectorSize) {
        byte[] key = LuksFixtures.random(1, keyBytes);
        byte[] data = LuksFixtures.random(2, sectorSize * 37);
        byte[] batch = data.clone();
        byte[] single = data.clone();
        try (AesXts x = new AesXts(key)) {
            x.encrypt(batch, 0, batch.length, 1L << 40, sectorSize);
            for (int s = 0; s < 37; s++) {
                x.encrypt(single, s * sectorSize, sectorSize, (1L << 40) + s, sectorSize);
            }
            assertArrayEquals(single, batch);
            x.decrypt(batch, 0, batch.length, 1L << 40, sectorSize);
        }
        assertArrayEquals(data, batch);
    }
}
