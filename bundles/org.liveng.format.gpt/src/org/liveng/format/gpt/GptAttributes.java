package org.liveng.format.gpt;

import java.util.ArrayList;
import java.util.List;

/**
 * The 64-bit Attributes field of a GPT partition entry (UEFI 2.10 §5.3.3 Table 5.8).
 *
 * <pre>
 * bit    meaning
 *  0     Required Partition (platform needs it to function)
 *  1     No Block IO Protocol (firmware must not produce an EFI_BLOCK_IO_PROTOCOL for it)
 *  2     Legacy BIOS Bootable
 *  3-47  reserved, must be zero
 *  48-63 partition type specific; Microsoft basic data uses
 *        60 read-only, 61 shadow copy, 62 hidden, 63 no drive letter (no automount)
 * </pre>
 */
public final class GptAttributes {
    /** Bit 0: required partition. */
    public static final long REQUIRED = 1L;
    /** Bit 1: no block IO protocol. */
    public static final long NO_BLOCK_IO_PROTOCOL = 1L << 1;
    /** Bit 2: legacy BIOS bootable. */
    public static final long LEGACY_BIOS_BOOTABLE = 1L << 2;
    /** Bits 3..47, reserved by UEFI. */
    public static final long RESERVED_MASK = 0x0000_FFFF_FFFF_FFF8L;
    /** Bits 48..63, defined by the partition type. */
    public static final long TYPE_SPECIFIC_MASK = 0xFFFF_0000_0000_0000L;
    /** First type-specific bit. */
    public static final int TYPE_SPECIFIC_FIRST_BIT = 48;
    /** Microsoft basic data bit 60: read-only. */
    public static final long MS_READ_ONLY = 1L << 60;
    /** Microsoft basic data bit 61: shadow copy. */
    public static final long MS_SHADOW_COPY = 1L << 61;
    /** Microsoft basic data bit 62: hidden. */
    public static final long MS_HIDDEN = 1L << 62;
    /** Microsoft basic data bit 63: no drive letter / no automount. */
    public static final long MS_NO_AUTOMOUNT = 1L << 63;

    private GptAttributes() {
    }

    /** The attribute value with the given bits (0..63) set. */
    public static long of(int... bits) {
        long v = 0;
        for (int b : bits) {
            if (b < 0 || b > 63) {
                throw new IllegalArgumentException("attribute bit " + b + " is outside 0..63");
            }
            v |= 1L << b;
        }
        return v;
    }

    /** The set bits, ascending. */
    public static List<Integer> bits(long attributes) {
        List<Integer> l = new ArrayList<>();
        for (int b = 0; b < 64; b++) {
            if ((attributes & (1L << b)) != 0) {
                l.add(b);
            }
        }
        return l;
    }

    /** For messages: {@code "required, legacy BIOS bootable, bit 60"} or {@code "none"}. */
    public static String describe(long attributes) {
        List<String> parts = new ArrayList<>();
        for (int b : bits(attributes)) {
            parts.add(switch (b) {
                case 0 -> "required";
                case 1 -> "no block IO protocol";
                case 2 -> "legacy BIOS bootable";
                default -> "bit " + b;
            });
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    /** 16 hex digits, as gdisk prints "Attribute flags". */
    public static String hex(long attributes) {
        return String.format("%016X", attributes);
    }
}
