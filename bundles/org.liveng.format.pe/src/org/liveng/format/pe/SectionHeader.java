package org.liveng.format.pe;

/**
 * A 40-byte section table entry (PE/COFF specification, "Section Table"):
 *
 * <pre>
 * 0  Name              8 bytes, NUL padded   20 PointerToRawData      u32
 * 8  VirtualSize       u32                   24 PointerToRelocations  u32
 * 12 VirtualAddress    u32                   28 PointerToLinenumbers  u32
 * 16 SizeOfRawData     u32                   32 NumberOfRelocations   u16
 *                                            34 NumberOfLinenumbers   u16
 *                                            36 Characteristics       u32
 * </pre>
 *
 * @param offset file offset of this entry
 */
public record SectionHeader(long offset, String name, long virtualSize, long virtualAddress, long sizeOfRawData,
        long pointerToRawData, long characteristics) {
    public static final int SIZE = 40;
}
