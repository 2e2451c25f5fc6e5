package org.liveng.format.pe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.liveng.api.ErrorCodes;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;
import org.liveng.format.pe.internal.Le;

/**
 * A PE/COFF image held in memory and validated before any offset in it is
 * trusted (Microsoft PE/COFF specification: "MS-DOS Stub", "Signature",
 * "COFF File Header", "Optional Header", "Section Table").
 *
 * <pre>
 * 0x00            MS-DOS header, "MZ"; e_lfanew (u32 at 0x3C) -> PE signature
 * e_lfanew        "PE\0\0"
 * e_lfanew+4      COFF header (20 bytes)
 * e_lfanew+24     optional header (SizeOfOptionalHeader bytes), data directories at its end
 * ...             section table (NumberOfSections x 40 bytes)
 * SizeOfHeaders   section raw data, then optional trailing data, then the
 *                 certificate table (file offset and size in data directory 4)
 * </pre>
 *
 * Instances are immutable; {@link #bytes()} returns a copy.
 */
public final class PeImage {
    /** Largest image read: EFI applications and kernels are far below this. */
    public static final long MAX_SIZE = 1L << 30;
    public static final int DOS_MAGIC = 0x5A4D;
    public static final long PE_SIGNATURE = 0x00004550L;
    private static final int E_LFANEW = 0x3C;
    /** The Windows loader's limit, also a bound for hostile input. */
    public static final int MAX_SECTIONS = 96;
    public static final int MAX_DATA_DIRECTORIES = 16;

    private final byte[] data;
    private final String source;
    private final CoffHeader coff;
    private final OptionalHeader optional;
    private final List<SectionHeader> sections;

    private PeImage(byte[] data, String source, CoffHeader coff, OptionalHeader optional, List<SectionHeader> sections) {
        this.data = data;
        this.source = source;
        this.coff = coff;
        this.optional = optional;
        this.sections = List.copyOf(sections);
    }

    /** Reads the whole channel (from position 0) and parses it. */
    public static PeImage read(SeekableByteChannel ch, String source) throws LivengException {
        try {
            long size = ch.size();
            if (size > MAX_SIZE) {
                throw new FormatException(0, source + ": " + size + " bytes is larger than the " + MAX_SIZE
                        + "-byte limit for PE images");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            ch.position(0);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // keep reading
            }
            if (buf.hasRemaining()) {
                throw new FormatException(buf.position(), source + ": channel ended at " + buf.position() + " of " + size + " bytes");
            }
            return parse(buf.array(), source);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot read " + source + ": " + e.getMessage(), null, e);
        }
    }

    /** Parses {@code data} (copied). {@code source} names the input in messages. */
    public static PeImage parse(byte[] data, String source) throws FormatException {
        byte[] b = data.clone();
        Le.require(b, 0, 64, source + ": MS-DOS header");
        if (Le.u16(b, 0) != DOS_MAGIC) {
            throw new FormatException(0, source + ": MS-DOS header at offset 0: expected magic \"MZ\" (0x5A4D), found 0x"
                    + Integer.toHexString(Le.u16(b, 0)));
        }
        long peOffset = Le.u32(b, E_LFANEW);
        Le.require(b, peOffset, 4 + CoffHeader.SIZE, source + ": PE signature and COFF header (e_lfanew)");
        int pe = (int) peOffset;
        if (Le.u32(b, pe) != PE_SIGNATURE) {
            throw new FormatException(pe, source + ": PE signature at offset 0x" + Integer.toHexString(pe)
                    + ": expected \"PE\\0\\0\", found 0x" + Long.toHexString(Le.u32(b, pe)));
        }
        int c = pe + 4;
        CoffHeader coff = new CoffHeader(c, Le.u16(b, c), Le.u16(b, c + 2), Le.u32(b, c + 4), Le.u32(b, c + 8),
                Le.u32(b, c + 12), Le.u16(b, c + 16), Le.u16(b, c + 18));
        if (coff.numberOfSections() > MAX_SECTIONS) {
            throw new FormatException(c + 2, source + ": COFF header at offset 0x" + Integer.toHexString(c) + ": "
                    + coff.numberOfSections() + " sections, more than the limit " + MAX_SECTIONS);
        }
        int o = c + CoffHeader.SIZE;
        OptionalHeader opt = optionalHeader(b, o, coff.sizeOfOptionalHeader(), source);
        long tableOffset = (long) o + coff.sizeOfOptionalHeader();
        Le.require(b, tableOffset, (long) coff.numberOfSections() * SectionHeader.SIZE, source + ": section table");
        List<SectionHeader> sections = new ArrayList<>();
        for (int i = 0; i < coff.numberOfSections(); i++) {
            int s = (int) tableOffset + i * SectionHeader.SIZE;
            int nameLength = 0;
            while (nameLength < 8 && b[s + nameLength] != 0) {
                nameLength++;
            }
            String name = new String(b, s, nameLength, StandardCharsets.ISO_8859_1);
            if (name.length() > 1 && name.charAt(0) == '/' && name.substring(1).chars().allMatch(Character::isDigit)) {
                name = longName(b, coff, Integer.parseInt(name.substring(1)), s, source);
            }
            SectionHeader h = new SectionHeader(s, name,
                    Le.u32(b, s + 8), Le.u32(b, s + 12), Le.u32(b, s + 16), Le.u32(b, s + 20), Le.u32(b, s + 36));
            if (h.sizeOfRawData() > 0) {
                Le.require(b, h.pointerToRawData(), h.sizeOfRawData(), source + ": raw data of section " + i + " '" + h.name()
                        + "' (header at offset 0x" + Integer.toHexString(s) + ")");
            }
            sections.add(h);
        }
        if (opt.sizeOfHeaders() > b.length) {
            throw new FormatException(opt.offset() + 60, source + ": optional header at offset 0x" + Long.toHexString(opt.offset())
                    + ": SizeOfHeaders " + opt.sizeOfHeaders() + " exceeds the file size " + b.length);
        }
        if (opt.sizeOfHeaders() < tableOffset + (long) coff.numberOfSections() * SectionHeader.SIZE) {
            throw new FormatException(opt.offset() + 60, source + ": optional header at offset 0x" + Long.toHexString(opt.offset())
                    + ": SizeOfHeaders " + opt.sizeOfHeaders() + " does not cover the section table ending at "
                    + (tableOffset + (long) coff.numberOfSections() * SectionHeader.SIZE));
        }
        Optional<DataDirectory> cert = opt.certificateTable();
        if (cert.isPresent() && cert.get().isPresent()) {
            DataDirectory d = cert.get();
            Le.require(b, d.virtualAddress(), d.size(), source + ": certificate table (data directory 4 at offset 0x"
                    + Long.toHexString(d.offset()) + ")");
            if (d.virtualAddress() < opt.sizeOfHeaders()) {
                throw new FormatException(d.offset(), source + ": certificate table at file offset " + d.virtualAddress()
                        + " overlaps the headers (SizeOfHeaders " + opt.sizeOfHeaders() + ")");
            }
        }
        return new PeImage(b, source, coff, opt, sections);
    }

    /**
     * A section name longer than 8 bytes: "/n" refers to offset n of the COFF string
     * table, which follows the symbol table (18 bytes per symbol) and starts with its u32 size.
     */
    private static String longName(byte[] b, CoffHeader coff, int offset, int header, String source) throws FormatException {
        long table = coff.pointerToSymbolTable() + coff.numberOfSymbols() * 18;
        String what = source + ": long name of the section at offset 0x" + Integer.toHexString(header) + " (string table offset "
                + offset + ")";
        Le.require(b, table, 4, what + ": string table");
        long size = Le.u32(b, (int) table);
        if (coff.pointerToSymbolTable() == 0 || offset < 4 || offset >= size) {
            throw new FormatException(header, what + " is outside the string table of " + size + " bytes at offset " + table);
        }
        Le.require(b, table, size, what + ": string table");
        int start = (int) (table + offset);
        int end = start;
        while (end < table + size && b[end] != 0) {
            end++;
        }
        return new String(b, start, end - start, StandardCharsets.UTF_8);
    }

    private static OptionalHeader optionalHeader(byte[] b, int o, int size, String source) throws FormatException {
        Le.require(b, o, size, source + ": optional header (SizeOfOptionalHeader " + size + ")");
        if (size < 2) {
            throw new FormatException(o, source + ": optional header at offset 0x" + Integer.toHexString(o) + " is missing (size " + size + ")");
        }
        int magic = Le.u16(b, o);
        int countAt;
        if (magic == OptionalHeader.PE32) {
            countAt = 92;
        } else if (magic == OptionalHeader.PE32_PLUS) {
            countAt = 108;
        } else {
            throw new FormatException(o, source + ": optional header at offset 0x" + Integer.toHexString(o)
                    + ": expected magic 0x10B (PE32) or 0x20B (PE32+), found 0x" + Integer.toHexString(magic));
        }
        if (size < countAt + 4) {
            throw new FormatException(o, source + ": optional header at offset 0x" + Integer.toHexString(o) + ": "
                    + size + " bytes is too short for its " + (magic == OptionalHeader.PE32 ? "PE32" : "PE32+") + " fields ("
                    + (countAt + 4) + ")");
        }
        long count = Le.u32(b, o + countAt);
        int dirs = countAt + 4;
        if (count > MAX_DATA_DIRECTORIES || dirs + count * DataDirectory.SIZE > size) {
            throw new FormatException(o + countAt, source + ": optional header at offset 0x" + Integer.toHexString(o)
                    + ": NumberOfRvaAndSizes " + count + " does not fit SizeOfOptionalHeader " + size + " (at most "
                    + Math.min(MAX_DATA_DIRECTORIES, Math.max(0, (size - dirs) / DataDirectory.SIZE)) + ")");
        }
        List<DataDirectory> dd = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int d = o + dirs + i * DataDirectory.SIZE;
            dd.add(new DataDirectory(d, Le.u32(b, d), Le.u32(b, d + 4)));
        }
        return new OptionalHeader(o, magic, Le.u32(b, o + 16), Le.u32(b, o + 32), Le.u32(b, o + 36), Le.u32(b, o + 56),
                Le.u32(b, o + 60), Le.u32(b, o + OptionalHeader.CHECKSUM_OFFSET), Le.u16(b, o + 68), dd);
    }

    public String source() {
        return source;
    }

    public CoffHeader coffHeader() {
        return coff;
    }

    public OptionalHeader optionalHeader() {
        return optional;
    }

    public List<SectionHeader> sections() {
        return sections;
    }

    public int size() {
        return data.length;
    }

    /** A copy of the image bytes. */
    public byte[] bytes() {
        return data.clone();
    }

    /** Whether {@code needle} occurs anywhere in the image bytes (an identifying text or marker). */
    public boolean contains(byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= data.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The bytes {@code [offset, offset+length)}, bounds checked. */
    public byte[] slice(long offset, long length) throws FormatException {
        Le.require(data, offset, length, source + ": range");
        return Arrays.copyOfRange(data, (int) offset, (int) (offset + length));
    }

    /** The certificate table entry (data directory 4), or empty when the header has fewer directories. */
    public Optional<DataDirectory> certificateTable() {
        return optional.certificateTable();
    }

    public Optional<SectionHeader> section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The raw file data of the named section (SizeOfRawData bytes, including file-alignment padding). */
    public Optional<byte[]> sectionData(String name) throws FormatException {
        Optional<SectionHeader> s = section(name);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(slice(s.get().pointerToRawData(), s.get().sizeOfRawData()));
    }

    /** The {@code .sbat} section's entries (UEFI shim SBAT), or an empty list when there is none. */
    public List<SbatEntry> sbat() throws FormatException {
        Optional<SectionHeader> s = section(".sbat");
        if (s.isEmpty()) {
            return List.of();
        }
        long size = Math.min(s.get().sizeOfRawData(), s.get().virtualSize() == 0 ? Long.MAX_VALUE : s.get().virtualSize());
        return SbatEntry.parse(slice(s.get().pointerToRawData(), size), s.get().pointerToRawData(), source);
    }

    /** The value of the CheckSum field. */
    public long checkSum() {
        return optional.checkSum();
    }

    /** The checksum this image should carry (see {@link PeChecksum}). */
    public long computeCheckSum() {
        return PeChecksum.compute(data, (int) optional.checkSumOffset());
    }

    /** Package-private access without copying, for the hash and the signer. */
    byte[] data() {
        return data;
    }
}
