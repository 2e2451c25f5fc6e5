package org.liveng.format.gpt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;

import org.liveng.api.ErrorCodes;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;

/**
 * Writes a {@link GptDisk}: protective MBR (UEFI 2.10 §5.2.3), primary GPT header and
 * partition entry array (§5.3.2, §5.3.3), backup entry array and backup header at the end of
 * the disk. The bytes depend on nothing but the {@code GptDisk}: the same disk gives the same
 * bytes. Only the table areas are written; partition contents and the gaps between partitions
 * are left alone.
 *
 * <p>Always 128 entries of 128 bytes (16 KiB, what every firmware and tool expects), HeaderSize
 * 92, revision 1.0, reserved bytes zero.
 */
public final class GptWriter {

    private GptWriter() {
    }

    /**
     * The exact byte ranges {@link #write} writes, ordered by offset: LBA 0 (the MBR, padded with
     * zeros to the block size), LBA 1, the primary array, the backup array, the last LBA.
     *
     * @throws LivengException {@code PREFLIGHT} when the disk cannot be written (see
     *         {@link GptDisk#layoutProblems()}), listing every problem
     */
    public static List<GptRegion> bytesFor(GptDisk disk) throws LivengException {
        List<String> problems = disk.layoutProblems();
        if (!problems.isEmpty()) {
            throw new LivengException(ErrorCodes.PREFLIGHT, "GPT layout for disk " + disk.diskGuid() + " cannot be written:\n  - "
                    + String.join("\n  - ", problems), "fix the layout (GptLayoutBuilder computes a valid one)");
        }
        int ss = disk.sectorSize();
        byte[] array = entryArray(disk);
        int arrayCrc = GptHeader.crc32(array, 0, array.length);
        GptHeader primary = GptHeader.of(disk, true, arrayCrc);
        GptHeader backup = GptHeader.of(disk, false, arrayCrc);

        byte[] lba0 = new byte[ss];
        byte[] mbr = ProtectiveMbr.forDisk(disk.totalSectors(), disk.mbrBootCode(), disk.mbrDiskSignature()).toBytes();
        System.arraycopy(mbr, 0, lba0, 0, mbr.length);

        List<GptRegion> r = new ArrayList<>(5);
        r.add(new GptRegion("protective MBR", 0, lba0));
        r.add(new GptRegion("primary GPT header", primary.myLba() * ss, primary.toBytes(ss)));
        r.add(new GptRegion("primary partition entry array", primary.partitionEntryLba() * ss, array));
        r.add(new GptRegion("backup partition entry array", backup.partitionEntryLba() * ss, array));
        r.add(new GptRegion("backup GPT header", backup.myLba() * ss, backup.toBytes(ss)));
        return List.copyOf(r);
    }

    /** The partition entry array: 128 entries of 128 bytes, unused entries zero. */
    public static byte[] entryArray(GptDisk disk) {
        int ss = disk.sectorSize();
        byte[] array = new byte[Math.toIntExact(GptHeader.defaultEntryArraySectors(ss) * ss)];
        for (GptPartition p : disk.partitions()) {
            if (p.index() > GptHeader.DEFAULT_ENTRY_COUNT) {
                throw new IllegalArgumentException(p.label() + ": index beyond " + GptHeader.DEFAULT_ENTRY_COUNT);
            }
            p.writeTo(array, (p.index() - 1) * GptHeader.DEFAULT_ENTRY_SIZE);
        }
        return array;
    }

    /**
     * Writes the regions of {@link #bytesFor}. A channel shorter than the disk grows (an image
     * file); a longer one is refused, since the backup header would not be at its end.
     *
     * @throws LivengException {@code PREFLIGHT} before anything is written when the disk
     *         cannot be written or does not fit the channel
     */
    public static List<GptRegion> write(SeekableByteChannel ch, GptDisk disk) throws IOException, LivengException {
        List<GptRegion> regions = bytesFor(disk);
        long size = ch.size();
        if (size > disk.sizeBytes()) {
            throw new LivengException(ErrorCodes.PREFLIGHT, "GPT for " + disk.sizeBytes() + " bytes (" + disk.totalSectors()
                    + " sectors of " + disk.sectorSize() + ") does not fit a target of " + size
                    + " bytes: the backup GPT would not be at the end", "compute the layout for the target's real size");
        }
        for (GptRegion r : regions) {
            ByteBuffer b = ByteBuffer.wrap(r.bytes());
            long pos = r.offset();
            while (b.hasRemaining()) {
                ch.position(pos);
                int n = ch.write(b);
                pos += n;
            }
        }
        return regions;
    }

    /**
     * Reads the regions of {@link #bytesFor} back and compares them byte for byte.
     *
     * @throws FormatException at the first differing or missing byte, naming the region
     */
    public static void verify(SeekableByteChannel ch, GptDisk disk) throws IOException, LivengException {
        for (GptRegion r : bytesFor(disk)) {
            byte[] expected = r.bytes();
            ByteBuffer b = ByteBuffer.allocate(expected.length);
            long pos = r.offset();
            while (b.hasRemaining()) {
                ch.position(pos);
                int n = ch.read(b);
                if (n < 0) {
                    throw new FormatException(pos, r.what() + ": disk ends at byte " + pos + ", expected "
                            + expected.length + " bytes from byte " + r.offset());
                }
                pos += n;
            }
            byte[] actual = b.array();
            int i = java.util.Arrays.mismatch(expected, actual);
            if (i >= 0) {
                throw new FormatException(r.offset() + i, String.format("%s differs at byte %d (0x%X): expected 0x%02X, read 0x%02X",
                        r.what(), r.offset() + i, r.offset() + i, expected[i] & 0xFF, actual[i] & 0xFF));
            }
        }
    }
}
