package org.liveng.format.fat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.liveng.api.FormatException;

/**
 * The boot sector with the BIOS Parameter Block (fatgen103 §3.1 "Boot Sector and
 * BPB Structure", §3.2 "FAT12 and FAT16 Structure Starting at Offset 36",
 * §3.3 "FAT32 Structure Starting at Offset 36"). All fields little-endian.
 *
 * <pre>
 * off size field            off size FAT12/16         off size FAT32
 *   0   3  BS_jmpBoot        36   1  BS_DrvNum        36   4  BPB_FATSz32
 *   3   8  BS_OEMName        37   1  BS_Reserved1     40   2  BPB_ExtFlags
 *  11   2  BPB_BytsPerSec    38   1  BS_BootSig       42   2  BPB_FSVer
 *  13   1  BPB_SecPerClus    39   4  BS_VolID         44   4  BPB_RootClus
 *  14   2  BPB_RsvdSecCnt    43  11  BS_VolLab        48   2  BPB_FSInfo
 *  16   1  BPB_NumFATs       54   8  BS_FilSysType    50   2  BPB_BkBootSec
 *  17   2  BPB_RootEntCnt    62      boot code        52  12  BPB_Reserved
 *  19   2  BPB_TotSec16                               64   1  BS_DrvNum
 *  21   1  BPB_Media                                  65   1  BS_Reserved1
 *  22   2  BPB_FATSz16                                66   1  BS_BootSig
 *  24   2  BPB_SecPerTrk                              67   4  BS_VolID
 *  26   2  BPB_NumHeads                               71  11  BS_VolLab
 *  28   4  BPB_HiddSec                                82   8  BS_FilSysType
 *  32   4  BPB_TotSec32                               90      boot code
 * 510   2  signature 0x55 0xAA
 * </pre>
 *
 * The extended fields (drive number to file system type) are only meaningful when
 * {@code bootSignature == 0x29}.
 */
public record BootSector(
        String oemName,
        int bytesPerSector,
        int sectorsPerCluster,
        int reservedSectorCount,
        int numFats,
        int rootEntryCount,
        int totalSectors16,
        int media,
        int fatSize16,
        int sectorsPerTrack,
        int numHeads,
        long hiddenSectors,
        long totalSectors32,
        long fatSize32,
        int extFlags,
        int fsVersion,
        long rootCluster,
        int fsInfoSector,
        int backupBootSector,
        int driveNumber,
        int bootSignature,
        long volumeId,
        String volumeLabel,
        String fileSystemType) {

    /** Size of the structure; a sector is at least this large. */
    public static final int SIZE = 512;
    public static final int OFF_JMP_BOOT = 0;
    public static final int OFF_OEM_NAME = 3;
    public static final int OFF_BYTS_PER_SEC = 11;
    public static final int OFF_SEC_PER_CLUS = 13;
    public static final int OFF_RSVD_SEC_CNT = 14;
    public static final int OFF_NUM_FATS = 16;
    public static final int OFF_ROOT_ENT_CNT = 17;
    public static final int OFF_TOT_SEC16 = 19;
    public static final int OFF_MEDIA = 21;
    public static final int OFF_FAT_SZ16 = 22;
    public static final int OFF_SEC_PER_TRK = 24;
    public static final int OFF_NUM_HEADS = 26;
    public static final int OFF_HIDD_SEC = 28;
    public static final int OFF_TOT_SEC32 = 32;
    /** Start of the FAT12/16 extended fields. */
    public static final int OFF_EXT16 = 36;
    public static final int OFF_FAT_SZ32 = 36;
    public static final int OFF_EXT_FLAGS = 40;
    public static final int OFF_FS_VER = 42;
    public static final int OFF_ROOT_CLUS = 44;
    public static final int OFF_FS_INFO = 48;
    public static final int OFF_BK_BOOT_SEC = 50;
    /** Start of the FAT32 extended fields (BS_DrvNum). */
    public static final int OFF_EXT32 = 64;
    /** Offsets inside the extended fields block. */
    public static final int EXT_DRV_NUM = 0;
    public static final int EXT_BOOT_SIG = 2;
    public static final int EXT_VOL_ID = 3;
    public static final int EXT_VOL_LAB = 7;
    public static final int EXT_FIL_SYS_TYPE = 18;
    /** Length of the extended fields block. */
    public static final int EXT_LENGTH = 26;
    public static final int OFF_SIGNATURE = 510;
    /** 0x55 at 510, 0xAA at 511, read as a little-endian 16-bit value. */
    public static final int SIGNATURE = 0xAA55;
    /** BS_BootSig value announcing the extended fields. */
    public static final int EXTENDED_BOOT_SIGNATURE = 0x29;
    /** Label stored when a volume has none. */
    public static final String NO_NAME = "NO NAME    ";
    /** ExtFlags bit 7: only the FAT numbered in bits 0-3 is active (no mirroring). */
    public static final int EXT_FLAGS_NO_MIRROR = 0x80;

    /**
     * Stub boot code: {@code int 0x18} (BIOS "boot failed, try the next device"),
     * then {@code hlt} and {@code jmp} back to the {@code hlt}. An ESP is booted by
     * firmware, never through this code.
     */
    private static final byte[] BOOT_CODE = {(byte) 0xCD, 0x18, (byte) 0xF4, (byte) 0xEB, (byte) 0xFD};

    /** Whether this is a FAT32 BPB (BPB_FATSz16 is 0, so BPB_FATSz32 applies). */
    public boolean isFat32Layout() {
        return fatSize16 == 0;
    }

    /** BPB_TotSec16 if non-zero, else BPB_TotSec32. */
    public long totalSectors() {
        return totalSectors16 != 0 ? totalSectors16 : totalSectors32;
    }

    /** Sectors per FAT: BPB_FATSz16 if non-zero, else BPB_FATSz32. */
    public long fatSize() {
        return fatSize16 != 0 ? fatSize16 : fatSize32;
    }

    /** Sectors taken by the FAT12/16 root directory (0 for FAT32). */
    public long rootDirSectors() {
        return ((long) rootEntryCount * DirectoryEntry.SIZE + bytesPerSector - 1) / bytesPerSector;
    }

    /** First sector of the FAT area. */
    public long firstFatSector() {
        return reservedSectorCount;
    }

    /** First sector of the FAT12/16 root directory. */
    public long firstRootDirSector() {
        return reservedSectorCount + (long) numFats * fatSize();
    }

    /** First sector of the data area (cluster 2). */
    public long firstDataSector() {
        return firstRootDirSector() + rootDirSectors();
    }

    /** Count of data clusters (fatgen103 §3.5); negative when the counts do not add up. */
    public long countOfClusters() {
        long dataSectors = totalSectors() - firstDataSector();
        return dataSectors < 0 ? -1 : dataSectors / sectorsPerCluster;
    }

    /** Bytes per cluster. */
    public int bytesPerCluster() {
        return bytesPerSector * sectorsPerCluster;
    }

    /** The FAT type, from the cluster count. */
    public FatType type() {
        return FatType.forClusterCount(countOfClusters());
    }

    /** The FAT that is read: 0 unless FAT32 mirroring is disabled (ExtFlags bit 7). */
    public int activeFat() {
        return isFat32Layout() && (extFlags & EXT_FLAGS_NO_MIRROR) != 0 ? extFlags & 0x0F : 0;
    }

    /** The volume serial as blkid and GRUB print it: {@code XXXX-XXXX}, upper-case hex. */
    public String serialString() {
        return formatSerial(volumeId);
    }

    /** Formats a 32-bit volume serial as {@code XXXX-XXXX}. */
    public static String formatSerial(long serial) {
        return String.format("%04X-%04X", (serial >>> 16) & 0xFFFF, serial & 0xFFFF);
    }

    /**
     * Parses a sector read at {@code offset}, checking only what is needed to trust
     * the structure: the 0x55AA signature, bytes per sector, sectors per cluster,
     * reserved sectors, number of FATs. {@link FatReader} checks the counts against
     * the medium.
     */
    public static BootSector parse(ByteBuffer sector, long offset) throws FormatException {
        if (sector.remaining() < SIZE) {
            throw new FormatException(offset, "FAT boot sector at offset " + offset + ": " + sector.remaining()
                    + " bytes available, expected " + SIZE);
        }
        ByteBuffer b = sector.slice().order(ByteOrder.LITTLE_ENDIAN);
        int sig = Short.toUnsignedInt(b.getShort(OFF_SIGNATURE));
        if (sig != SIGNATURE) {
            throw new FormatException(offset + OFF_SIGNATURE, String.format(
                    "FAT boot sector signature at offset %d: expected 0x55 0xAA, found 0x%02X 0x%02X",
                    offset + OFF_SIGNATURE, sig & 0xFF, sig >>> 8));
        }
        int bps = Short.toUnsignedInt(b.getShort(OFF_BYTS_PER_SEC));
        if (bps != 512 && bps != 1024 && bps != 2048 && bps != 4096) {
            throw new FormatException(offset + OFF_BYTS_PER_SEC, "FAT BPB_BytsPerSec at offset " + (offset + OFF_BYTS_PER_SEC)
                    + ": expected 512, 1024, 2048 or 4096, found " + bps);
        }
        int spc = Byte.toUnsignedInt(b.get(OFF_SEC_PER_CLUS));
        if (spc == 0 || Integer.bitCount(spc) != 1) {
            throw new FormatException(offset + OFF_SEC_PER_CLUS, "FAT BPB_SecPerClus at offset " + (offset + OFF_SEC_PER_CLUS)
                    + ": expected a power of two from 1 to 128, found " + spc);
        }
        int rsvd = Short.toUnsignedInt(b.getShort(OFF_RSVD_SEC_CNT));
        if (rsvd == 0) {
            throw new FormatException(offset + OFF_RSVD_SEC_CNT, "FAT BPB_RsvdSecCnt at offset " + (offset + OFF_RSVD_SEC_CNT)
                    + ": expected at least 1, found 0");
        }
        int nfats = Byte.toUnsignedInt(b.get(OFF_NUM_FATS));
        if (nfats < 1 || nfats > 4) {
            throw new FormatException(offset + OFF_NUM_FATS, "FAT BPB_NumFATs at offset " + (offset + OFF_NUM_FATS)
                    + ": expected 1 to 4, found " + nfats);
        }
        int fatSz16 = Short.toUnsignedInt(b.getShort(OFF_FAT_SZ16));
        boolean fat32 = fatSz16 == 0;
        int ext = fat32 ? OFF_EXT32 : OFF_EXT16;
        int bootSig = Byte.toUnsignedInt(b.get(ext + EXT_BOOT_SIG));
        boolean extended = bootSig == EXTENDED_BOOT_SIGNATURE;
        return new BootSector(
                ascii(b, OFF_OEM_NAME, 8),
                bps, spc, rsvd, nfats,
                Short.toUnsignedInt(b.getShort(OFF_ROOT_ENT_CNT)),
                Short.toUnsignedInt(b.getShort(OFF_TOT_SEC16)),
                Byte.toUnsignedInt(b.get(OFF_MEDIA)),
                fatSz16,
                Short.toUnsignedInt(b.getShort(OFF_SEC_PER_TRK)),
                Short.toUnsignedInt(b.getShort(OFF_NUM_HEADS)),
                Integer.toUnsignedLong(b.getInt(OFF_HIDD_SEC)),
                Integer.toUnsignedLong(b.getInt(OFF_TOT_SEC32)),
                fat32 ? Integer.toUnsignedLong(b.getInt(OFF_FAT_SZ32)) : 0,
                fat32 ? Short.toUnsignedInt(b.getShort(OFF_EXT_FLAGS)) : 0,
                fat32 ? Short.toUnsignedInt(b.getShort(OFF_FS_VER)) : 0,
                fat32 ? Integer.toUnsignedLong(b.getInt(OFF_ROOT_CLUS)) : 0,
                fat32 ? Short.toUnsignedInt(b.getShort(OFF_FS_INFO)) : 0,
                fat32 ? Short.toUnsignedInt(b.getShort(OFF_BK_BOOT_SEC)) : 0,
                Byte.toUnsignedInt(b.get(ext + EXT_DRV_NUM)),
                bootSig,
                extended ? Integer.toUnsignedLong(b.getInt(ext + EXT_VOL_ID)) : 0,
                extended ? ascii(b, ext + EXT_VOL_LAB, 11) : "",
                extended ? ascii(b, ext + EXT_FIL_SYS_TYPE, 8) : "");
    }

    /** Encodes this boot sector into a {@code bytesPerSector}-byte sector with stub boot code. */
    public ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(bytesPerSector).order(ByteOrder.LITTLE_ENDIAN);
        boolean fat32 = isFat32Layout();
        int ext = fat32 ? OFF_EXT32 : OFF_EXT16;
        int code = ext + EXT_LENGTH;
        b.put(OFF_JMP_BOOT, (byte) 0xEB).put(OFF_JMP_BOOT + 1, (byte) (code - 2)).put(OFF_JMP_BOOT + 2, (byte) 0x90);
        putAscii(b, OFF_OEM_NAME, oemName, 8);
        b.putShort(OFF_BYTS_PER_SEC, (short) bytesPerSector);
        b.put(OFF_SEC_PER_CLUS, (byte) sectorsPerCluster);
        b.putShort(OFF_RSVD_SEC_CNT, (short) reservedSectorCount);
        b.put(OFF_NUM_FATS, (byte) numFats);
        b.putShort(OFF_ROOT_ENT_CNT, (short) rootEntryCount);
        b.putShort(OFF_TOT_SEC16, (short) totalSectors16);
        b.put(OFF_MEDIA, (byte) media);
        b.putShort(OFF_FAT_SZ16, (short) fatSize16);
        b.putShort(OFF_SEC_PER_TRK, (short) sectorsPerTrack);
        b.putShort(OFF_NUM_HEADS, (short) numHeads);
        b.putInt(OFF_HIDD_SEC, (int) hiddenSectors);
        b.putInt(OFF_TOT_SEC32, (int) totalSectors32);
        if (fat32) {
            b.putInt(OFF_FAT_SZ32, (int) fatSize32);
            b.putShort(OFF_EXT_FLAGS, (short) extFlags);
            b.putShort(OFF_FS_VER, (short) fsVersion);
            b.putInt(OFF_ROOT_CLUS, (int) rootCluster);
            b.putShort(OFF_FS_INFO, (short) fsInfoSector);
            b.putShort(OFF_BK_BOOT_SEC, (short) backupBootSector);
        }
        b.put(ext + EXT_DRV_NUM, (byte) driveNumber);
        b.put(ext + EXT_BOOT_SIG, (byte) bootSignature);
        b.putInt(ext + EXT_VOL_ID, (int) volumeId);
        putAscii(b, ext + EXT_VOL_LAB, volumeLabel, 11);
        putAscii(b, ext + EXT_FIL_SYS_TYPE, fileSystemType, 8);
        b.put(code, BOOT_CODE);
        b.putShort(OFF_SIGNATURE, (short) SIGNATURE);
        return b;
    }

    static String ascii(ByteBuffer b, int off, int len) {
        byte[] raw = new byte[len];
        b.get(off, raw);
        StringBuilder sb = new StringBuilder(len);
        for (byte x : raw) {
            int c = x & 0xFF;
            sb.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return sb.toString();
    }

    static void putAscii(ByteBuffer b, int off, String s, int len) {
        byte[] raw = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < len; i++) {
            b.put(off + i, i < raw.length ? raw[i] : (byte) ' ');
        }
    }
}
