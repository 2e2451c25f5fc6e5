package org.liveng.format.pe;

/**
 * The COFF file header that follows the {@code "PE\0\0"} signature (PE/COFF
 * specification, "COFF File Header (Object and Image)"):
 *
 * <pre>
 * 0  Machine               u16     12 NumberOfSymbols       u32
 * 2  NumberOfSections      u16     16 SizeOfOptionalHeader  u16
 * 4  TimeDateStamp         u32     18 Characteristics       u16
 * 8  PointerToSymbolTable  u32     20 (end)
 * </pre>
 *
 * @param offset file offset of the header (just after the PE signature)
 */
public record CoffHeader(long offset, int machine, int numberOfSections, long timeDateStamp, long pointerToSymbolTable,
        long numberOfSymbols, int sizeOfOptionalHeader, int characteristics) {
    public static final int SIZE = 20;
    public static final int MACHINE_I386 = 0x14C;
    public static final int MACHINE_AMD64 = 0x8664;
    public static final int MACHINE_ARM64 = 0xAA64;
}
