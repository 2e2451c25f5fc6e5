package org.liveng.format.iso9660;

import java.util.Optional;

/**
 * A bootable (or not bootable) image listed in the El Torito boot catalog: the initial/default
 * entry (El Torito 1.0 §2.2) or a section entry (§2.4).
 *
 * <pre>
 * offset len  field (initial/default entry and section entry)
 *  0      1   boot indicator: 0x88 bootable, 0x00 not bootable
 *  1      1   boot media type: bits 0-3 emulation (0 none, 1 1.2M, 2 1.44M, 3 2.88M floppy,
 *             4 hard disk); section entries: bit 5 = extension entry follows
 *  2      2   load segment (LE 16; 0 means 0x7C0)
 *  4      1   system type (partition type byte of a hard disk image)
 *  5      1   unused
 *  6      2   sector count: virtual 512-byte sectors loaded (LE 16)
 *  8      4   load RBA: start of the image in 2048-byte sectors (LE 32)
 * 12      1   selection criteria type (section entries only)
 * 13     19   vendor selection criteria
 * </pre>
 *
 * @param index position in the catalog (0 for the initial/default entry)
 * @param offset absolute byte offset of the entry
 * @param platformId platform of its section: 0 x86 BIOS, 1 PowerPC, 2 Mac, 0xEF EFI
 * @param sectionId the section header's identifier string ("" for the initial entry)
 * @param bootable boot indicator 0x88
 * @param emulation the emulated medium
 * @param loadSegment load segment as stored
 * @param systemType system type byte
 * @param sectorCount number of 512-byte sectors to load
 * @param loadRba first 2048-byte sector of the boot image
 * @param path the file of the image tree that starts at {@code loadRba}, or {@code null}
 */
public record BootCatalogEntry(int index, long offset, int platformId, String sectionId, boolean bootable,
        Emulation emulation, int loadSegment, int systemType, int sectorCount, long loadRba, String path) {

    /** Platform id of x86 PC BIOS. */
    public static final int PLATFORM_BIOS = 0x00;
    /** Platform id of PowerPC. */
    public static final int PLATFORM_PPC = 0x01;
    /** Platform id of Mac. */
    public static final int PLATFORM_MAC = 0x02;
    /** Platform id of UEFI. */
    public static final int PLATFORM_EFI = 0xEF;

    /** Boot media type (emulation). */
    public enum Emulation {
        NO_EMULATION, FLOPPY_1_2M, FLOPPY_1_44M, FLOPPY_2_88M, HARD_DISK, UNKNOWN;

        static Emulation of(int code) {
            return switch (code & 0x0F) {
                case 0 -> NO_EMULATION;
                case 1 -> FLOPPY_1_2M;
                case 2 -> FLOPPY_1_44M;
                case 3 -> FLOPPY_2_88M;
                case 4 -> HARD_DISK;
                default -> UNKNOWN;
            };
        }
    }

    /** The boot image file, when a file of the tree starts at the load RBA. */
    public Optional<String> file() {
        return Optional.ofNullable(path);
    }

    public boolean isEfi() {
        return platformId == PLATFORM_EFI;
    }

    public boolean isBios() {
        return platformId == PLATFORM_BIOS;
    }

    BootCatalogEntry withPath(String p) {
        return new BootCatalogEntry(index, offset, platformId, sectionId, bootable, emulation, loadSegment, systemType,
                sectorCount, loadRba, p);
    }
}
