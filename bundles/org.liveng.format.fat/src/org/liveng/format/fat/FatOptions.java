package org.liveng.format.fat;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * Parameters of a filesystem {@link FatWriter} builds.
 *
 * @param label volume label, at most 11 characters allowed in short names (or spaces);
 *              stored upper-case in the boot sector and as the root directory's volume
 *              label entry; empty for none ("NO NAME" in the boot sector, no entry)
 * @param serial volume serial (BS_VolID), an unsigned 32-bit value; blkid and GRUB's
 *               {@code search --fs-uuid} show it as {@code XXXX-XXXX}
 * @param oemName BS_OEMName, at most 8 printable ASCII characters
 * @param type FAT type, or {@code null} to choose it like {@link FatGeometry#choose}
 * @param bytesPerCluster cluster size in bytes (a power of two from 512 to 65536), or 0
 *                        to choose it by volume size like mkfs.fat
 * @param hiddenSectors BPB_HiddSec: the LBA of the partition start on the disk
 * @param epochSecond timestamp of every directory entry, seconds since 1970
 *                    (SOURCE_DATE_EPOCH), written as UTC; see {@link DosDateTime}
 * @param rootEntryCount minimum number of FAT12/16 root directory entries (grown to what
 *                       the files need); ignored for FAT32
 */
public record FatOptions(String label, long serial, String oemName, FatType type, int bytesPerCluster,
        long hiddenSectors, long epochSecond, int rootEntryCount) {

    /** The OEM name fatgen103 recommends for compatibility. */
    public static final String DEFAULT_OEM_NAME = "MSWIN4.1";
    /** mkfs.fat's default FAT12/16 root directory size. */
    public static final int DEFAULT_ROOT_ENTRIES = 512;

    public FatOptions {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(oemName, "oemName");
        label = label.toUpperCase(Locale.ROOT);
        if (label.length() > 11) {
            throw new IllegalArgumentException("volume label '" + label + "' is " + label.length() + " characters, at most 11 are allowed");
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (c != ' ' && !ShortNames.isShortChar(c)) {
                throw new IllegalArgumentException(String.format(
                        "volume label '%s': character '%c' at index %d is not allowed (A-Z, 0-9, space and $%%'-_@~`!(){}^#&)", label, c, i));
            }
        }
        if (!label.isEmpty() && label.charAt(0) == ' ') {
            throw new IllegalArgumentException("volume label '" + label + "' must not start with a space");
        }
        if (serial < 0 || serial > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("volume serial " + serial + " is not an unsigned 32-bit value");
        }
        if (oemName.length() > 8 || !StandardCharsets.US_ASCII.newEncoder().canEncode(oemName)) {
            throw new IllegalArgumentException("OEM name '" + oemName + "' must be at most 8 ASCII characters");
        }
        if (bytesPerCluster != 0 && (bytesPerCluster < 512 || bytesPerCluster > 65536 || Integer.bitCount(bytesPerCluster) != 1)) {
            throw new IllegalArgumentException("cluster size " + bytesPerCluster + " must be 0 (auto) or a power of two from 512 to 65536");
        }
        if (hiddenSectors < 0 || hiddenSectors > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("hidden sectors " + hiddenSectors + " is not an unsigned 32-bit value");
        }
        if (rootEntryCount < 16 || rootEntryCount > 65520) {
            throw new IllegalArgumentException("root entry count " + rootEntryCount + " must be from 16 to 65520");
        }
    }

    /** Label, serial and timestamp with defaults for the rest: OEM "MSWIN4.1", automatic type and cluster size, hidden sectors 0. */
    public static FatOptions of(String label, long serial, long epochSecond) {
        return new FatOptions(label, serial, DEFAULT_OEM_NAME, null, 0, 0, epochSecond, DEFAULT_ROOT_ENTRIES);
    }

    public FatOptions withType(FatType t) {
        return new FatOptions(label, serial, oemName, t, bytesPerCluster, hiddenSectors, epochSecond, rootEntryCount);
    }

    public FatOptions withBytesPerCluster(int b) {
        return new FatOptions(label, serial, oemName, type, b, hiddenSectors, epochSecond, rootEntryCount);
    }

    public FatOptions withHiddenSectors(long h) {
        return new FatOptions(label, serial, oemName, type, bytesPerCluster, h, epochSecond, rootEntryCount);
    }

    public FatOptions withOemName(String o) {
        return new FatOptions(label, serial, o, type, bytesPerCluster, hiddenSectors, epochSecond, rootEntryCount);
    }

    public FatOptions withRootEntryCount(int n) {
        return new FatOptions(label, serial, oemName, type, bytesPerCluster, hiddenSectors, epochSecond, n);
    }

    /** Parses a serial written as blkid shows it, {@code XXXX-XXXX}. */
    public static long parseSerial(String s) {
        if (!s.matches("[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}")) {
            throw new IllegalArgumentException("volume serial '" + s + "' is not of the form XXXX-XXXX");
        }
        return Long.parseLong(s.substring(0, 4) + s.substring(5), 16);
    }
}
