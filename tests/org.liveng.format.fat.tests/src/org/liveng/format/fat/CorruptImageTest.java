package org.liveng.format.fat;

import org.liveng.testing.MemoryChannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.liveng.api.FormatException;

/** Damaged volumes: each must give a clean FormatException naming where. */
class CorruptImageTest {

    static byte[] image;
    static Map<String, byte[]> tree;
    static final long SIZE = 40 * FatFixtures.MIB; // FAT32 with 512-byte clusters

    @BeforeAll
    static void build() throws Exception {
        tree = new LinkedHashMap<>();
        tree.put("/EFI/BOOT/BOOTX64.EFI", new byte[5000]);
        tree.put("/EFI/BOOT/small.txt", "x".getBytes());
        tree.put("/boot/grub/grubenv", FatFixtures.grubenv(""));
        image = FatFixtures.writeMemory(SIZE, tree, FatFixtures.options().withType(FatType.FAT32));
    }

    private static FormatException failsOn(byte[] img) {
        return assertThrows(FormatException.class, () -> {
            try (FatReader r = FatReader.open(new MemoryChannel(img), 0, "corrupt")) {
                for (FatEntry e : r.walk()) {
                    if (e.isFile()) {
                        try (InputStream in = r.open(e)) {
                            in.readAllBytes();
                        }
                    }
                }
            }
        });
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static FatEntry stat(byte[] img, String path) throws Exception {
        try (FatReader r = FatReader.open(new MemoryChannel(img), 0, "ok")) {
            return r.stat(path).orElseThrow();
        }
    }

    private static int fatOffset(byte[] img, long cluster) {
        int reserved = le(img).getShort(BootSector.OFF_RSVD_SEC_CNT) & 0xFFFF;
        return (int) (reserved * 512L + cluster * 4);
    }

    @Test
    void intactImageReads() throws Exception {
        try (FatReader r = FatReader.open(new MemoryChannel(image), 0, "ok")) {
            assertEquals(7, r.walk().size());
        }
    }

    @Test
    void badSignatureFails() {
        byte[] b = image.clone();
        b[511] = 0;
        FormatException e = failsOn(b);
        assertEquals(510, e.offset());
        assertTrue(e.getMessage().contains("0x55 0xAA"), e.getMessage());
    }

    @Test
    void zeroBytesPerSectorFails() {
        byte[] b = image.clone();
        le(b).putShort(BootSector.OFF_BYTS_PER_SEC, (short) 0);
        assertEquals(BootSector.OFF_BYTS_PER_SEC, failsOn(b).offset());
    }

    @Test
    void sectorsPerClusterNotPowerOfTwoFails() {
        byte[] b = image.clone();
        b[BootSector.OFF_SEC_PER_CLUS] = 3;
        assertEquals(BootSector.OFF_SEC_PER_CLUS, failsOn(b).offset());
    }

    @Test
    void totalSectorsBeyondImageFails() {
        byte[] b = image.clone();
        le(b).putInt(BootSector.OFF_TOT_SEC32, (int) (SIZE / 512 * 2));
        assertTrue(failsOn(b).getMessage().contains("truncated"));
    }

    @Test
    void badFsInfoSignatureFails() {
        byte[] b = image.clone();
        b[512 + FsInfo.OFF_STRUC_SIG] ^= 1;
        assertEquals(512 + FsInfo.OFF_STRUC_SIG, failsOn(b).offset());
    }

    @Test
    void clusterChainLoopFails() throws Exception {
        byte[] b = image.clone();
        FatEntry f = stat(b, "/EFI/BOOT/BOOTX64.EFI");
        long second = f.firstCluster() + 1;
        le(b).putInt(fatOffset(b, second), (int) f.firstCluster());
        FormatException e = failsOn(b);
        assertTrue(e.getMessage().contains("loops"), e.getMessage());
    }

    @Test
    void chainPointingBeyondFatFails() throws Exception {
        byte[] b = image.clone();
        FatEntry f = stat(b, "/EFI/BOOT/BOOTX64.EFI");
        le(b).putInt(fatOffset(b, f.firstCluster()), 0x0FFFFFF0);
        FormatException e = failsOn(b);
        assertEquals(fatOffset(b, f.firstCluster()), e.offset());
        assertTrue(e.getMessage().contains("beyond the last cluster"), e.getMessage());
    }

    @Test
    void firstClusterOutOfRangeFails() throws Exception {
        byte[] b = image.clone();
        FatEntry f = stat(b, "/EFI/BOOT/small.txt");
        le(b).putShort((int) f.entryOffset() + DirectoryEntry.OFF_FST_CLUS_HI, (short) 0x0FFF);
        assertEquals(f.entryOffset() + DirectoryEntry.OFF_FST_CLUS_LO, failsOn(b).offset());
    }

    @Test
    void directoryCycleFails() throws Exception {
        byte[] b = image.clone();
        FatEntry efi = stat(b, "/EFI");
        FatEntry boot = stat(b, "/EFI/BOOT");
        ByteBuffer bb = le(b);
        bb.putShort((int) boot.entryOffset() + DirectoryEntry.OFF_FST_CLUS_HI, (short) (efi.firstCluster() >>> 16));
        bb.putShort((int) boot.entryOffset() + DirectoryEntry.OFF_FST_CLUS_LO, (short) efi.firstCluster());
        FormatException e = failsOn(b);
        assertEquals(boot.entryOffset(), e.offset());
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }

    @Test
    void fileSizeLargerThanChainFails() throws Exception {
        byte[] b = image.clone();
        FatEntry f = stat(b, "/EFI/BOOT/small.txt");
        le(b).putInt((int) f.entryOffset() + DirectoryEntry.OFF_FILE_SIZE, 5 * 512);
        FormatException e = failsOn(b);
        assertTrue(e.getMessage().contains("chain ends after 1"), e.getMessage());
    }

    @Test
    void absurdFileSizeFails() throws Exception {
        byte[] b = image.clone();
        FatEntry f = stat(b, "/EFI/BOOT/small.txt");
        le(b).putInt((int) f.entryOffset() + DirectoryEntry.OFF_FILE_SIZE, -1);
        assertEquals(f.entryOffset() + DirectoryEntry.OFF_FILE_SIZE, failsOn(b).offset());
    }

    @Test
    void truncatedImageFails() {
        FormatException e = failsOn(Arrays.copyOf(image, image.length / 2));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(failsOn(Arrays.copyOf(image, 100)).getMessage().contains("truncated"));
    }

    @Test
    void emptyChannelFails() {
        failsOn(new byte[0]);
    }
}
