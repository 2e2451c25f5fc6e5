package org.liveng.distro.debian.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The dynamic-linking facts of an ELF file that a copy into an initrd needs:
 * its program interpreter ({@code PT_INTERP}) and the sonames it needs
 * ({@code DT_NEEDED}). Layout per the System V ABI (ELF header, program
 * headers, {@code _DYNAMIC} array; string table addresses mapped to file
 * offsets through the {@code PT_LOAD} segments). 32- and 64-bit, either byte order.
 *
 * @param interpreter the {@code PT_INTERP} path, or empty for a static file or a library
 * @param needed the {@code DT_NEEDED} sonames in order
 */
record ElfDynamic(Optional<String> interpreter, List<String> needed) {
    static final int PT_LOAD = 1;
    static final int PT_DYNAMIC = 2;
    static final int PT_INTERP = 3;
    static final long DT_NULL = 0;
    static final long DT_NEEDED = 1;
    static final long DT_STRTAB = 5;

    /** Whether the bytes start with the ELF magic. */
    static boolean isElf(byte[] b) {
        return b.length >= 52 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F';
    }

    /**
     * Parses an ELF file.
     *
     * @throws IllegalArgumentException naming the problem when the file is not a well-formed ELF file
     */
    static ElfDynamic parse(byte[] file, String name) {
        if (!isElf(file)) {
            throw new IllegalArgumentException(name + " is not an ELF file");
        }
        boolean is64 = file[4] == 2;
        if (is64 && file.length < 64) {
            throw new IllegalArgumentException(name + " ends inside its 64-byte ELF header (" + file.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(file[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        long phoff = is64 ? b.getLong(32) : u32(b, 28);
        int phentsize = u16(b, is64 ? 54 : 42);
        int phnum = u16(b, is64 ? 56 : 44);
        List<long[]> loads = new ArrayList<>();
        long dynOff = -1;
        long dynSize = 0;
        String interp = null;
        for (int i = 0; i < phnum; i++) {
            int at = check(file, phoff + (long) i * phentsize, is64 ? 56 : 32, name, "program header " + i);
            long type = u32(b, at);
            long offset = is64 ? b.getLong(at + 8) : u32(b, at + 4);
            long vaddr = is64 ? b.getLong(at + 16) : u32(b, at + 8);
            long filesz = is64 ? b.getLong(at + 32) : u32(b, at + 16);
            if (type == PT_LOAD) {
                loads.add(new long[] { vaddr, offset, filesz });
            } else if (type == PT_DYNAMIC) {
                dynOff = offset;
                dynSize = filesz;
            } else if (type == PT_INTERP) {
                int s = check(file, offset, filesz, name, "PT_INTERP");
                interp = cString(file, s, (int) filesz);
            }
        }
        List<String> needed = new ArrayList<>();
        if (dynOff >= 0) {
            int entry = is64 ? 16 : 8;
            int start = check(file, dynOff, dynSize, name, "PT_DYNAMIC");
            List<Long> neededOffsets = new ArrayList<>();
            long strtab = -1;
            for (int at = start; at + entry <= start + dynSize; at += entry) {
                long tag = is64 ? b.getLong(at) : u32(b, at);
                long val = is64 ? b.getLong(at + 8) : u32(b, at + 4);
                if (tag == DT_NULL) {
                    break;
                } else if (tag == DT_NEEDED) {
                    neededOffsets.add(val);
                } else if (tag == DT_STRTAB) {
                    strtab = val;
                }
            }
            if (!neededOffsets.isEmpty()) {
                long strOff = fileOffset(loads, strtab, name);
                for (long o : neededOffsets) {
                    int s = check(file, strOff + o, 1, name, "DT_NEEDED string");
                    needed.add(cString(file, s, file.length - s));
                }
            }
        }
        return new ElfDynamic(Optional.ofNullable(interp), needed);
    }

    private static long fileOffset(List<long[]> loads, long vaddr, String name) {
        for (long[] l : loads) {
            if (vaddr >= l[0] && vaddr < l[0] + l[2]) {
                return vaddr - l[0] + l[1];
            }
        }
        throw new IllegalArgumentException(name + ": DT_STRTAB address 0x" + Long.toHexString(vaddr) + " lies in no PT_LOAD segment");
    }

    private static int check(byte[] file, long offset, long length, String name, String what) {
        if (offset < 0 || length < 0 || offset + length > file.length) {
            throw new IllegalArgumentException(name + ": " + what + " at offset " + offset + " (+" + length + ") lies outside the "
                    + file.length + "-byte file");
        }
        return (int) offset;
    }

    private static String cString(byte[] file, int start, int max) {
        int end = start;
        while (end < start + max && end < file.length && file[end] != 0) {
            end++;
        }
        return new String(file, start, end - start, StandardCharsets.UTF_8);
    }

    private static long u32(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(b.getInt(at));
    }

    private static int u16(ByteBuffer b, int at) {
        return Short.toUnsignedInt(b.getShort(at));
    }
}
