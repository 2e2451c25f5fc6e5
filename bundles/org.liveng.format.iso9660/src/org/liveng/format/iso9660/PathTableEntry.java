package org.liveng.format.iso9660;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.liveng.api.FormatException;

/**
 * One path table record (ECMA-119 §9.4). The type L table stores numbers little-endian, the
 * type M table big-endian; {@link #read} parses both and checks that they agree.
 *
 * <pre>
 * offset len  field
 *  0      1   length of directory identifier (LEN_DI)
 *  1      1   extended attribute record length
 *  2      4   location of extent (L: LE 32, M: BE 32)
 *  6      2   parent directory number (L: LE 16, M: BE 16)
 *  8  LEN_DI  directory identifier; one padding byte follows if LEN_DI is odd
 * </pre>
 *
 * @param number 1-based directory number
 * @param identifier the raw identifier (ISO-8859-1 decoded; UCS-2 is not decoded here)
 * @param extentLocation first block of the directory
 * @param parentNumber the parent's directory number (1 for the root itself)
 * @param offset absolute offset of the record in the type L table
 */
public record PathTableEntry(int number, String identifier, long extentLocation, int parentNumber, long offset) {

    static List<PathTableEntry> read(ImageChannel img, VolumeDescriptor vd, int maxEntries) throws FormatException {
        long size = vd.pathTableSize();
        int bs = vd.logicalBlockSize();
        if (size > ImageChannel.MAX_READ) {
            throw new FormatException(vd.offset() + VolumeDescriptor.OFF_PATH_TABLE_SIZE, "ISO 9660 path table: size "
                    + size + " exceeds the limit of " + ImageChannel.MAX_READ);
        }
        long lAt = vd.typeLPathTable() * bs;
        long mAt = vd.typeMPathTable() * bs;
        ByteBuffer l = img.read(lAt, (int) size, "ISO 9660 type L path table");
        ByteBuffer m = img.read(mAt, (int) size, "ISO 9660 type M path table");
        List<PathTableEntry> out = new ArrayList<>();
        int pos = 0;
        while (pos + 8 <= size) {
            int lenDi = IsoBytes.u8(l, pos);
            long at = lAt + pos;
            if (lenDi == 0 || pos + 8 + lenDi > size) {
                throw new FormatException(at, "ISO 9660 path table record at offset " + IsoBytes.hex(at)
                        + ": identifier length " + lenDi + " does not fit the table of " + size + " bytes");
            }
            long ext = IsoBytes.u32le(l, pos + 2);
            int parent = IsoBytes.u16le(l, pos + 6);
            if (IsoBytes.u32be(m, pos + 2) != ext || IsoBytes.u16be(m, pos + 6) != parent
                    || IsoBytes.u8(m, pos) != lenDi) {
                throw new FormatException(mAt + pos, "ISO 9660 path table record " + (out.size() + 1) + " at offset "
                        + IsoBytes.hex(at) + ": type M table at " + IsoBytes.hex(mAt + pos) + " disagrees (location "
                        + IsoBytes.u32be(m, pos + 2) + " vs " + ext + ", parent " + IsoBytes.u16be(m, pos + 6) + " vs " + parent + ")");
            }
            int number = out.size() + 1;
            if (parent < 1 || parent > number) {
                throw new FormatException(at, "ISO 9660 path table record " + number + " at offset " + IsoBytes.hex(at)
                        + ": parent directory number " + parent + ", expected 1.." + number);
            }
            if (out.size() >= maxEntries) {
                throw new FormatException(at, "ISO 9660 path table: more than " + maxEntries + " records");
            }
            out.add(new PathTableEntry(number, new String(IsoBytes.bytes(l, pos + 8, lenDi), StandardCharsets.ISO_8859_1),
                    ext, parent, at));
            pos += 8 + lenDi + (lenDi & 1);
        }
        if (out.isEmpty() || out.get(0).extentLocation() != vd.rootDirectoryRecord().extentLocation()) {
            throw new FormatException(lAt, "ISO 9660 type L path table at offset " + IsoBytes.hex(lAt)
                    + ": first record does not describe the root directory at block "
                    + vd.rootDirectoryRecord().extentLocation());
        }
        return out;
    }
}
