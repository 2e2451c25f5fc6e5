package org.liveng.format.gpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GuidTest {

    @Test
    void efiSystemGuidHasMixedEndianBytes() {
        // UEFI 2.10 Table 5.7: C12A7328-F81F-11D2-BA4B-00A0C93EC93B; the first three fields little endian
        byte[] expected = HexFormat.of().parseHex("28732AC11FF8D211BA4B00A0C93EC93B");
        assertArrayEquals(expected, PartitionTypes.EFI_SYSTEM.toBytes());
        assertEquals(PartitionTypes.EFI_SYSTEM, Guid.fromBytes(expected));
        byte[] padded = new byte[20];
        PartitionTypes.EFI_SYSTEM.writeTo(padded, 3);
        assertEquals(PartitionTypes.EFI_SYSTEM, Guid.fromBytes(padded, 3));
    }

    @Test
    void formatsUpperAndLowerAndParsesBoth() {
        Guid g = Guid.parse("ca7d7ccb-63ed-4c53-861c-1742536059cc");
        assertEquals(PartitionTypes.LINUX_LUKS, g);
        assertEquals("CA7D7CCB-63ED-4C53-861C-1742536059CC", g.toString());
        assertEquals("ca7d7ccb-63ed-4c53-861c-1742536059cc", g.toLowerCaseString());
        assertEquals(g, Guid.parse(g.toString()));
        assertEquals(g.toLowerCaseString(), g.toUuid().toString());
        assertEquals(g, Guid.of(UUID.fromString(g.toLowerCaseString())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "C12A7328F81F11D2BA4B00A0C93EC93B", "C12A7328-F81F-11D2-BA4B-00A0C93EC93", "{C12A7328-F81F-11D2-BA4B-00A0C93EC93}",
            "C12A7328-F81F-11D2-BA4B-00A0C93EC93G", "C12A7328_F81F-11D2-BA4B-00A0C93EC93B", "C12A7328-F81F-11D2-BA4B-00A0C93EC9\u0663B"})
    void rejectsNonCanonicalText(String text) {
        assertThrows(IllegalArgumentException.class, () -> Guid.parse(text));
    }

    @Test
    void deriveIsDeterministicVersion4AndPurposeSeparated() {
        byte[] seed = "seed".getBytes(StandardCharsets.UTF_8);
        Guid a = Guid.derive(seed, "disk");
        assertEquals(a, Guid.derive(seed.clone(), "disk"));
        assertNotEquals(a, Guid.derive(seed, "partition/LIVENG_EFI"));
        assertNotEquals(a, Guid.derive("seee".getBytes(StandardCharsets.UTF_8), "disk"));
        // seed and purpose are not simply concatenated
        assertNotEquals(Guid.derive("ab".getBytes(StandardCharsets.UTF_8), "c"), Guid.derive("a".getBytes(StandardCharsets.UTF_8), "bc"));
        assertEquals(4, a.toUuid().version());
        assertEquals(2, a.toUuid().variant());
    }

    @Test
    void randomIsVersion4() {
        Guid a = Guid.random();
        assertEquals(4, a.toUuid().version());
        assertEquals(2, a.toUuid().variant());
        assertNotEquals(a, Guid.random());
        assertTrue(Guid.ZERO.isZero());
    }

    @Test
    void partitionTypeNamesForMessages() {
        assertEquals("EFI System", PartitionTypes.name(PartitionTypes.EFI_SYSTEM).orElseThrow());
        assertEquals("BIOS boot (21686148-6449-6E6F-744E-656564454649)", PartitionTypes.describe(PartitionTypes.BIOS_BOOT));
        Guid unknown = Guid.parse("01234567-89AB-4DEF-8123-456789ABCDEF");
        assertEquals(unknown.toString(), PartitionTypes.describe(unknown));
        assertTrue(PartitionTypes.name(unknown).isEmpty());
    }

    @Test
    void attributeHelpers() {
        long a = GptAttributes.of(0, 2, 60, 63);
        assertEquals(GptAttributes.REQUIRED | GptAttributes.LEGACY_BIOS_BOOTABLE | GptAttributes.MS_READ_ONLY
                | GptAttributes.MS_NO_AUTOMOUNT, a);
        assertEquals("required, legacy BIOS bootable, bit 60, bit 63", GptAttributes.describe(a));
        assertEquals("9000000000000005", GptAttributes.hex(a));
        GptPartition p = new GptPartition(1, PartitionTypes.MICROSOFT_BASIC_DATA, Guid.random(), 2048, 4095, a, "x");
        assertTrue(p.isRequired() && p.isLegacyBiosBootable() && !p.isNoBlockIoProtocol() && p.hasAttribute(60));
        assertEquals(0x9000, p.typeSpecificAttributes());
        assertEquals(1 << 20, p.sizeBytes(512));
        assertEquals(8 << 20, p.sizeBytes(4096));
        assertThrows(IllegalArgumentException.class, () -> GptAttributes.of(64));
    }

    @Test
    void partitionNamesAreLimitedTo36Utf16Units() {
        Guid t = PartitionTypes.LINUX_FILESYSTEM;
        new GptPartition(1, t, Guid.random(), 34, 34, 0, "x".repeat(36));
        assertThrows(IllegalArgumentException.class, () -> new GptPartition(1, t, Guid.random(), 34, 34, 0, "x".repeat(37)));
        // a character outside the BMP takes two code units
        assertThrows(IllegalArgumentException.class,
                () -> new GptPartition(1, t, Guid.random(), 34, 34, 0, "x".repeat(35) + "\uD83D\uDE00"));
        assertThrows(IllegalArgumentException.class, () -> new GptPartition(1, t, Guid.random(), 34, 34, 0, "a\0b"));
        assertThrows(IllegalArgumentException.class, () -> new GptPartition(1, Guid.ZERO, Guid.random(), 34, 34, 0, "a"));
        assertThrows(IllegalArgumentException.class, () -> new GptPartition(1, t, Guid.random(), 35, 34, 0, "a"));
    }
}
