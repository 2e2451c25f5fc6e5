package org.liveng.format.gpt;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Well-known partition type GUIDs (UEFI 2.10 §5.3.3 Table 5.7 for the UEFI ones; the others
 * as registered by their owners) and a name lookup for messages.
 */
public final class PartitionTypes {
    /** Unused entry (UEFI 2.10 Table 5.7). */
    public static final Guid UNUSED = Guid.ZERO;
    /** EFI System Partition (UEFI 2.10 Table 5.7). */
    public static final Guid EFI_SYSTEM = Guid.parse("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
    /** Partition containing a legacy MBR (UEFI 2.10 Table 5.7). */
    public static final Guid LEGACY_MBR = Guid.parse("024DEE41-33E7-11D3-9D69-0008C781F39F");
    /** BIOS boot partition for GRUB's core image on GPT ("Hah!IdontNeedEFI"). */
    public static final Guid BIOS_BOOT = Guid.parse("21686148-6449-6E6F-744E-656564454649");
    /** Linux filesystem data. */
    public static final Guid LINUX_FILESYSTEM = Guid.parse("0FC63DAF-8483-4772-8E79-3D69D8477DE4");
    /** Microsoft basic data (FAT, NTFS, exFAT; also used for ISO 9660 partitions seen by Windows). */
    public static final Guid MICROSOFT_BASIC_DATA = Guid.parse("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7");
    /** Microsoft reserved. */
    public static final Guid MICROSOFT_RESERVED = Guid.parse("E3C9E316-0B5C-4DB8-817D-F92DF00215AE");
    /** Linux LUKS (Discoverable Partitions Specification). */
    public static final Guid LINUX_LUKS = Guid.parse("CA7D7CCB-63ED-4C53-861C-1742536059CC");
    /** Linux swap. */
    public static final Guid LINUX_SWAP = Guid.parse("0657FD6D-A4AB-43C4-84E5-0933C84B4F4F");
    /** Linux root (x86-64) (Discoverable Partitions Specification). */
    public static final Guid LINUX_ROOT_X86_64 = Guid.parse("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709");

    private static final Map<Guid, String> NAMES = new LinkedHashMap<>();

    static {
        NAMES.put(UNUSED, "unused");
        NAMES.put(EFI_SYSTEM, "EFI System");
        NAMES.put(LEGACY_MBR, "legacy MBR");
        NAMES.put(BIOS_BOOT, "BIOS boot");
        NAMES.put(LINUX_FILESYSTEM, "Linux filesystem");
        NAMES.put(MICROSOFT_BASIC_DATA, "Microsoft basic data");
        NAMES.put(MICROSOFT_RESERVED, "Microsoft reserved");
        NAMES.put(LINUX_LUKS, "Linux LUKS");
        NAMES.put(LINUX_SWAP, "Linux swap");
        NAMES.put(LINUX_ROOT_X86_64, "Linux root (x86-64)");
    }

    private PartitionTypes() {
    }

    /** The human name of a known type, e.g. "EFI System". */
    public static Optional<String> name(Guid type) {
        return Optional.ofNullable(NAMES.get(type));
    }

    /** For messages: {@code "EFI System (C12A7328-F81F-11D2-BA4B-00A0C93EC93B)"}, or the bare GUID. */
    public static String describe(Guid type) {
        String n = NAMES.get(type);
        return n == null ? type.toString() : n + " (" + type + ")";
    }

    /** The known types by GUID, in a stable order. */
    public static Map<Guid, String> known() {
        return java.util.Collections.unmodifiableMap(NAMES);
    }
}
