package org.liveng.format.pe;

import java.util.List;

/**
 * The fields of the optional header that signing and loading need (PE/COFF
 * specification, "Optional Header (Image Only)"). Offsets relative to its start:
 *
 * <pre>
 *                     PE32   PE32+
 * Magic               0      0       0x10B / 0x20B
 * AddressOfEntryPoint 16     16
 * SectionAlignment    32     32
 * FileAlignment       36     36
 * SizeOfImage         56     56
 * SizeOfHeaders       60     60
 * CheckSum            64     64
 * Subsystem           68     68
 * NumberOfRvaAndSizes 92     108
 * DataDirectory[0]    96     112     8 bytes each
 * </pre>
 *
 * @param offset file offset of the optional header
 */
public record OptionalHeader(long offset, int magic, long addressOfEntryPoint, long sectionAlignment, long fileAlignment,
        long sizeOfImage, long sizeOfHeaders, long checkSum, int subsystem, List<DataDirectory> dataDirectories) {
    public static final int PE32 = 0x10B;
    public static final int PE32_PLUS = 0x20B;
    /** Offset of CheckSum inside the optional header, the same for PE32 and PE32+. */
    public static final int CHECKSUM_OFFSET = 64;
    public static final int SUBSYSTEM_EFI_APPLICATION = 10;

    public OptionalHeader {
        dataDirectories = List.copyOf(dataDirectories);
    }

    public boolean isPe32Plus() {
        return magic == PE32_PLUS;
    }

    /** File offset of the CheckSum field. */
    public long checkSumOffset() {
        return offset + CHECKSUM_OFFSET;
    }

    /** The certificate table entry, if the header has at least five data directories. */
    public java.util.Optional<DataDirectory> certificateTable() {
        return dataDirectories.size() > DataDirectory.CERTIFICATE_TABLE
                ? java.util.Optional.of(dataDirectories.get(DataDirectory.CERTIFICATE_TABLE))
                : java.util.Optional.empty();
    }
}
