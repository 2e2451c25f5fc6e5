package org.liveng.format.pe;

/**
 * One optional-header data directory entry: {@code VirtualAddress u32, Size u32}.
 * For the certificate table (index {@link #CERTIFICATE_TABLE}) the address is a
 * file offset, not an RVA (PE/COFF specification, "The Attribute Certificate Table").
 *
 * @param offset file offset of this 8-byte entry
 */
public record DataDirectory(long offset, long virtualAddress, long size) {
    public static final int SIZE = 8;
    /** Index of the certificate table ("security directory"). */
    public static final int CERTIFICATE_TABLE = 4;

    public boolean isPresent() {
        return virtualAddress != 0 || size != 0;
    }
}
