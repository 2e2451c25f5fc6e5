package org.liveng.format.iso9660;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.liveng.api.FormatException;

/**
 * Reads the El Torito boot catalog (El Torito Bootable CD-ROM Format Specification 1.0, §2):
 * a sequence of 32-byte entries starting with the validation entry (§2.1), then the
 * initial/default entry (§2.2), then optional section headers (§2.3), each followed by its
 * section entries (§2.4) and their extensions (§2.5).
 *
 * <pre>
 * validation entry
 *  0      1   header id 0x01
 *  1      1   platform id
 *  4     24   id string (manufacturer)
 * 28      2   checksum: the sixteen LE 16-bit words of the entry sum to 0
 * 30      2   key bytes 0x55 0xAA
 * section header
 *  0      1   0x90 more headers follow, 0x91 final header
 *  1      1   platform id
 *  2      2   number of section entries (LE 16)
 *  4     28   id string
 * </pre>
 */
final class ElTorito {
    static final int ENTRY_SIZE = 32;
    static final int SECTOR = 2048;
    static final int HEADER_VALIDATION = 0x01;
    static final int HEADER_MORE = 0x90;
    static final int HEADER_FINAL = 0x91;
    static final int INDICATOR_BOOTABLE = 0x88;
    static final int INDICATOR_NOT_BOOTABLE = 0x00;
    static final int EXTENSION = 0x44;
    static final int MEDIA_EXTENSION_FOLLOWS = 0x20;
    static final int EXTENSION_MORE = 0x20;
    static final int KEY_1 = 0x55;
    static final int KEY_2 = 0xAA;
    static final int OFF_CHECKSUM = 28;
    static final int OFF_KEY = 30;
    /** At most this many catalog bytes are read: 256 entries. */
    static final int MAX_CATALOG = 256 * ENTRY_SIZE;

    private ElTorito() {
    }

    static List<BootCatalogEntry> read(ImageChannel img, BootRecord br) throws FormatException {
        long start = br.bootCatalogSector() * SECTOR;
        String what = "El Torito boot catalog";
        img.checkRange(start, 2 * ENTRY_SIZE, what);
        int len = (int) Math.min(MAX_CATALOG, img.size() - start);
        len -= len % ENTRY_SIZE;
        ByteBuffer b = img.read(start, len, what);

        // validation entry
        if (IsoBytes.u8(b, 0) != HEADER_VALIDATION) {
            throw new FormatException(start, what + " at offset " + IsoBytes.hex(start) + ": validation entry header id 0x"
                    + Integer.toHexString(IsoBytes.u8(b, 0)) + ", expected 0x01");
        }
        if (IsoBytes.u8(b, OFF_KEY) != KEY_1 || IsoBytes.u8(b, OFF_KEY + 1) != KEY_2) {
            throw new FormatException(start + OFF_KEY, what + " at offset " + IsoBytes.hex(start) + ": key bytes 0x"
                    + String.format("%02x%02x", IsoBytes.u8(b, OFF_KEY), IsoBytes.u8(b, OFF_KEY + 1)) + ", expected 0x55aa");
        }
        int sum = 0;
        for (int i = 0; i < ENTRY_SIZE; i += 2) {
            sum += IsoBytes.u16le(b, i);
        }
        if ((sum & 0xFFFF) != 0) {
            throw new FormatException(start + OFF_CHECKSUM, what + " at offset " + IsoBytes.hex(start)
                    + ": validation entry words sum to 0x" + Integer.toHexString(sum & 0xFFFF) + ", expected 0");
        }
        int platform = IsoBytes.u8(b, 1);
        List<BootCatalogEntry> out = new ArrayList<>();
        out.add(entry(b, ENTRY_SIZE, start, 0, platform, "", false));

        int pos = 2 * ENTRY_SIZE;
        boolean more = true;
        while (more && pos + ENTRY_SIZE <= len) {
            int h = IsoBytes.u8(b, pos);
            if (h != HEADER_MORE && h != HEADER_FINAL) {
                break; // end of catalog (zero padding)
            }
            more = h == HEADER_MORE;
            int sectionPlatform = IsoBytes.u8(b, pos + 1);
            int count = IsoBytes.u16le(b, pos + 2);
            String id = IsoBytes.text(b, pos + 4, 28);
            pos += ENTRY_SIZE;
            for (int i = 0; i < count; i++) {
                if (pos + ENTRY_SIZE > len) {
                    throw new FormatException(start + pos, what + " at offset " + IsoBytes.hex(start)
                            + ": section header announces " + count + " entries but the catalog ends after " + i);
                }
                out.add(entry(b, pos, start, out.size(), sectionPlatform, id, true));
                boolean ext = (IsoBytes.u8(b, pos + 1) & MEDIA_EXTENSION_FOLLOWS) != 0;
                pos += ENTRY_SIZE;
                while (ext) {
                    if (pos + ENTRY_SIZE > len || IsoBytes.u8(b, pos) != EXTENSION) {
                        throw new FormatException(start + pos, what + " at offset " + IsoBytes.hex(start + pos)
                                + ": expected a section entry extension (0x44)");
                    }
                    ext = (IsoBytes.u8(b, pos + 1) & EXTENSION_MORE) != 0;
                    pos += ENTRY_SIZE;
                }
            }
        }
        return out;
    }

    private static BootCatalogEntry entry(ByteBuffer b, int pos, long start, int index, int platform, String sectionId,
            boolean section) throws FormatException {
        int indicator = IsoBytes.u8(b, pos);
        if (indicator != INDICATOR_BOOTABLE && indicator != INDICATOR_NOT_BOOTABLE) {
            throw new FormatException(start + pos, "El Torito boot catalog " + (section ? "section" : "initial/default")
                    + " entry at offset " + IsoBytes.hex(start + pos) + ": boot indicator 0x" + Integer.toHexString(indicator)
                    + ", expected 0x88 or 0x00");
        }
        int media = IsoBytes.u8(b, pos + 1);
        return new BootCatalogEntry(index, start + pos, platform, sectionId, indicator == INDICATOR_BOOTABLE,
                BootCatalogEntry.Emulation.of(media), IsoBytes.u16le(b, pos + 2), IsoBytes.u8(b, pos + 4),
                IsoBytes.u16le(b, pos + 6), IsoBytes.u32le(b, pos + 8), null);
    }
}
