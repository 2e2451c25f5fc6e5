package org.liveng.format.gpt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.liveng.api.FormatException;
import org.liveng.api.Problem;

/**
 * Reads and validates a GPT disk (UEFI 2.10 §5.3.2 "GPT Header" validation rules, §5.3.3
 * partition entries, §5.2.3 protective MBR).
 *
 * <p>Each copy (primary at LBA 1, backup at the primary's AlternateLBA or, when the primary is
 * damaged, at the last LBA) is checked in full: signature, revision, HeaderSize, HeaderCRC32,
 * MyLBA, AlternateLBA, the usable range and the entry array inside the disk and apart from the
 * headers and the usable range, SizeOfPartitionEntry = 128 * 2^n, the entry array CRC32, every
 * used entry inside the usable range, no overlaps. The table is taken from the primary copy when
 * it is valid, else from the backup with an ERROR problem; a damaged backup is a WARNING. When
 * neither copy is valid the disk is refused with a {@link FormatException} at the byte offset of
 * what was wrong in the primary copy.
 *
 * <p>Nothing is allocated from untrusted sizes beyond one logical block and the entry array,
 * which is capped at {@link #MAX_ENTRY_ARRAY_BYTES}.
 */
public final class GptReader {

    /** Largest partition entry array accepted (8192 entries of 128 bytes). */
    public static final long MAX_ENTRY_ARRAY_BYTES = 1L << 20;

    /** Problem code: primary header or array damaged, table read from the backup. */
    public static final String PRIMARY_DAMAGED = "GPT_PRIMARY_DAMAGED";
    /** Problem code: backup header or array damaged. */
    public static final String BACKUP_DAMAGED = "GPT_BACKUP_DAMAGED";
    /** Problem code: both copies valid but they disagree. */
    public static final String COPIES_DIFFER = "GPT_COPIES_DIFFER";
    /** Problem code: the backup header is not in the last LBA. */
    public static final String BACKUP_NOT_AT_END = "GPT_BACKUP_NOT_AT_END";
    /** Problem code: LBA 0 is not a proper protective MBR. */
    public static final String MBR_NOT_PROTECTIVE = "GPT_MBR_NOT_PROTECTIVE";
    /** Problem code: a field that must be zero, or a revision other than 1.0. */
    public static final String NONSTANDARD_HEADER = "GPT_NONSTANDARD_HEADER";
    /** Problem code: two partitions share a name or a unique GUID. */
    public static final String DUPLICATE = "GPT_DUPLICATE";
    /** Problem code: the disk size is not a multiple of the sector size. */
    public static final String PARTIAL_SECTOR = "GPT_PARTIAL_SECTOR";

    private static final int[] SECTOR_SIZES = {512, 1024, 2048, 4096};

    private GptReader() {
    }

    /** Reads a GPT disk whose size is the channel's size. */
    public static GptReadResult read(SeekableByteChannel ch, int sectorSize) throws IOException, FormatException {
        return read(ch, ch.size(), sectorSize);
    }

    /**
     * Reads a GPT disk.
     *
     * @param ch the disk or image, positioned anywhere
     * @param sizeBytes the disk size (for block devices the channel may not know it)
     * @param sectorSize the logical block size: 512, 1024, 2048 or 4096
     * @throws FormatException when no valid GPT copy exists, with the byte offset of the problem
     * @throws IOException when reading fails (a short read is a FormatException)
     */
    public static GptReadResult read(SeekableByteChannel ch, long sizeBytes, int sectorSize)
            throws IOException, FormatException {
        GptDisk.checkSectorSize(sectorSize);
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("negative disk size " + sizeBytes);
        }
        long total = sizeBytes / sectorSize;
        List<Problem> problems = new ArrayList<>();
        if (sizeBytes % sectorSize != 0) {
            problems.add(new Problem(Problem.Severity.WARNING, PARTIAL_SECTOR, "disk", "disk size " + sizeBytes
                    + " bytes is not a multiple of the sector size " + sectorSize + "; the last "
                    + (sizeBytes % sectorSize) + " bytes are ignored", null));
        }
        if (total < 3) {
            throw new FormatException(0, "disk of " + sizeBytes + " bytes is too small for a GPT: expected at least 3 sectors of "
                    + sectorSize + " bytes (MBR, primary and backup header), found " + total);
        }
        Reader r = new Reader(ch, sectorSize, total);

        ProtectiveMbr mbr = ProtectiveMbr.parse(r.block(0, ProtectiveMbr.SIZE));
        for (String p : mbr.problems(total)) {
            problems.add(new Problem(Problem.Severity.WARNING, MBR_NOT_PROTECTIVE, "protective MBR", p,
                    "firmware and tools may not treat this as a GPT disk; rewrite the protective MBR"));
        }

        Copy primary = r.copy(GptHeader.PRIMARY_LBA, true);
        long lastLba = total - 1;
        long backupLba = primary.valid() ? primary.header.alternateLba() : lastLba;
        if (primary.valid() && backupLba != lastLba) {
            problems.add(new Problem(Problem.Severity.WARNING, BACKUP_NOT_AT_END, "backup GPT",
                    "the primary GPT header places the backup header at LBA " + backupLba + ", not at the last LBA " + lastLba
                            + " (the disk was enlarged, or the image was written to a larger device)",
                    "rewrite the GPT so that the backup is at the end of the disk"));
        }
        Copy backup = r.copy(backupLba, false);

        if (!primary.valid() && !backup.valid()) {
            String hint = r.otherSectorSizeHint();
            throw new FormatException(primary.error.offset(), "no valid GPT on a disk of " + total + " sectors of "
                    + sectorSize + " bytes: primary: " + primary.error.getMessage() + "; backup: "
                    + backup.error.getMessage() + hint);
        }
        if (!primary.valid()) {
            problems.add(new Problem(Problem.Severity.ERROR, PRIMARY_DAMAGED, "primary GPT",
                    primary.error.getMessage() + " (byte offset " + primary.error.offset() + "); the table was read from the"
                            + " backup GPT at LBA " + backupLba,
                    "rewrite both GPT copies from the backup before firmware or tools trip over the primary"));
        }
        if (!backup.valid()) {
            problems.add(new Problem(Problem.Severity.WARNING, BACKUP_DAMAGED, "backup GPT",
                    backup.error.getMessage() + " (byte offset " + backup.error.offset() + ")",
                    "rewrite the GPT so that the backup copy is restored"));
        }
        Copy chosen = primary.valid() ? primary : backup;
        problems.addAll(chosen.warnings);
        if (primary.valid() && backup.valid()) {
            problems.addAll(backup.warnings);
            compare(primary.header, backup.header, problems);
        }
        Map<String, Integer> names = new HashMap<>();
        Map<Guid, Integer> guids = new HashMap<>();
        for (GptPartition p : chosen.partitions) {
            Integer n = p.name().isEmpty() ? null : names.putIfAbsent(p.name(), p.index());
            if (n != null) {
                problems.add(new Problem(Problem.Severity.WARNING, DUPLICATE, p.label(), "partitions " + n + " and "
                        + p.index() + " are both named '" + p.name() + "'; finding them by name is ambiguous", null));
            }
            Integer g = guids.putIfAbsent(p.uniqueGuid(), p.index());
            if (g != null) {
                problems.add(new Problem(Problem.Severity.WARNING, DUPLICATE, p.label(), "partitions " + g + " and "
                        + p.index() + " have the same unique GUID " + p.uniqueGuid(), null));
            }
        }
        GptHeader h = chosen.header;
        GptDisk disk = new GptDisk(sectorSize, total, h.diskGuid(), h.firstUsableLba(), h.lastUsableLba(), chosen.partitions,
                mbr.bootCodeIsEmpty() ? null : mbr.bootCode(), mbr.diskSignature());
        return new GptReadResult(disk, problems, primary.valid(), backup.valid(), mbr, primary.header, backup.header);
    }

    /**
     * Guesses the logical sector size of an image: the smallest of 512, 1024, 2048, 4096 at
     * which LBA 1 holds a "EFI PART" signature; empty when none does.
     */
    public static OptionalInt detectSectorSize(SeekableByteChannel ch, long sizeBytes) throws IOException {
        for (int ss : SECTOR_SIZES) {
            if (sizeBytes >= 3L * ss && signatureAt(ch, ss)) {
                return OptionalInt.of(ss);
            }
        }
        return OptionalInt.empty();
    }

    private static boolean signatureAt(SeekableByteChannel ch, long offset) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(GptHeader.SIGNATURE.length);
        ch.position(offset);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                return false;
            }
        }
        return GptHeader.hasSignature(b.array());
    }

    private static void compare(GptHeader p, GptHeader b, List<Problem> problems) {
        List<String> d = new ArrayList<>();
        if (!p.diskGuid().equals(b.diskGuid())) {
            d.add("DiskGUID " + p.diskGuid() + " vs " + b.diskGuid());
        }
        if (p.firstUsableLba() != b.firstUsableLba() || p.lastUsableLba() != b.lastUsableLba()) {
            d.add("usable LBA " + p.firstUsableLba() + ".." + p.lastUsableLba() + " vs " + b.firstUsableLba() + ".."
                    + b.lastUsableLba());
        }
        if (p.numberOfPartitionEntries() != b.numberOfPartitionEntries()
                || p.sizeOfPartitionEntry() != b.sizeOfPartitionEntry()) {
            d.add("entry array " + p.numberOfPartitionEntries() + " x " + p.sizeOfPartitionEntry() + " vs "
                    + b.numberOfPartitionEntries() + " x " + b.sizeOfPartitionEntry());
        }
        if (p.partitionEntryArrayCrc32() != b.partitionEntryArrayCrc32()) {
            d.add(String.format("PartitionEntryArrayCRC32 0x%08X vs 0x%08X (the partitions differ)",
                    p.partitionEntryArrayCrc32(), b.partitionEntryArrayCrc32()));
        }
        if (b.alternateLba() != p.myLba()) {
            d.add("backup AlternateLBA " + b.alternateLba() + " does not point to the primary header at LBA " + p.myLba());
        }
        if (!d.isEmpty()) {
            problems.add(new Problem(Problem.Severity.WARNING, COPIES_DIFFER, "GPT", "primary and backup GPT differ: "
                    + String.join("; ", d) + "; the primary was used", "rewrite the GPT so that both copies agree"));
        }
    }

    /** One checked copy: header and partitions, or the error that made it invalid. */
    private static final class Copy {
        GptHeader header;
        List<GptPartition> partitions = List.of();
        FormatException error;
        final List<Problem> warnings = new ArrayList<>();

        boolean valid() {
            return error == null;
        }
    }

    private static final class Reader {
        private final SeekableByteChannel ch;
        private final int ss;
        private final long total;

        Reader(SeekableByteChannel ch, int ss, long total) {
            this.ch = ch;
            this.ss = ss;
            this.total = total;
        }

        byte[] block(long offset, int length) throws IOException, FormatException {
            ByteBuffer b = ByteBuffer.allocate(length);
            long pos = offset;
            while (b.hasRemaining()) {
                ch.position(pos);
                int n = ch.read(b);
                if (n < 0) {
                    throw new FormatException(pos, "short read: the disk ends at byte " + pos + ", expected " + length
                            + " bytes from byte " + offset + " (truncated image, or wrong disk size " + total * ss + ")");
                }
                pos += n;
            }
            return b.array();
        }

        Copy copy(long lba, boolean primary) throws IOException {
            Copy c = new Copy();
            String which = primary ? "primary GPT" : "backup GPT";
            try {
                check(c, lba, primary, which);
            } catch (FormatException e) {
                c.error = e;
            }
            return c;
        }

        private void check(Copy c, long lba, boolean primary, String which) throws IOException, FormatException {
            if (lba < 1 || lba >= total) {
                throw new FormatException(-1, "GPT header LBA " + Long.toUnsignedString(lba) + " is outside the disk (LBA 1.."
                        + (total - 1) + ")");
            }
            long off = lba * ss;
            GptHeader h = GptHeader.parse(block(off, ss), lba, off);
            c.header = h;
            String where = "GPT header at LBA " + lba;
            if (h.myLba() != lba) {
                throw new FormatException(off + GptHeader.OFFSET_MY_LBA, where + ": MyLBA is " + u(h.myLba()) + ", expected "
                        + lba);
            }
            long alt = h.alternateLba();
            if (primary) {
                if (alt < 1 || alt >= total) {
                    throw new FormatException(off + GptHeader.OFFSET_ALTERNATE_LBA, where + ": AlternateLBA " + u(alt)
                            + " is beyond the last LBA " + (total - 1) + " of the disk (truncated image, or wrong disk size?)");
                }
                if (alt == lba) {
                    throw new FormatException(off + GptHeader.OFFSET_ALTERNATE_LBA, where + ": AlternateLBA points to itself");
                }
            } else if (alt != GptHeader.PRIMARY_LBA) {
                c.warnings.add(new Problem(Problem.Severity.WARNING, NONSTANDARD_HEADER, which, where + ": AlternateLBA is "
                        + u(alt) + ", expected " + GptHeader.PRIMARY_LBA, null));
            }
            if (h.revision() != GptHeader.REVISION_1_0) {
                c.warnings.add(new Problem(Problem.Severity.WARNING, NONSTANDARD_HEADER, which, String.format(
                        "%s: revision 0x%08X, expected 0x%08X (1.0)", where, h.revision(), GptHeader.REVISION_1_0), null));
            }
            if (h.reserved() != 0) {
                c.warnings.add(new Problem(Problem.Severity.WARNING, NONSTANDARD_HEADER, which, String.format(
                        "%s: Reserved field at byte %d is 0x%08X, expected 0", where, off + GptHeader.OFFSET_RESERVED,
                        h.reserved()), null));
            }

            long es = h.sizeOfPartitionEntry();
            if (es < GptPartition.ENTRY_SIZE || es % GptPartition.ENTRY_SIZE != 0
                    || Long.bitCount(es / GptPartition.ENTRY_SIZE) != 1 || es > MAX_ENTRY_ARRAY_BYTES) {
                throw new FormatException(off + GptHeader.OFFSET_SIZE_OF_PARTITION_ENTRY, where
                        + ": SizeOfPartitionEntry expected 128 * 2^n (128 as written by every tool), found " + es);
            }
            long n = h.numberOfPartitionEntries();
            if (n == 0 || n * es > MAX_ENTRY_ARRAY_BYTES) {
                throw new FormatException(off + GptHeader.OFFSET_NUMBER_OF_PARTITION_ENTRIES, where
                        + ": NumberOfPartitionEntries " + n + " of " + es + " bytes each, expected 1.." + MAX_ENTRY_ARRAY_BYTES / es
                        + " (an entry array of at most " + MAX_ENTRY_ARRAY_BYTES + " bytes; 128 is usual)");
            }
            long first = h.firstUsableLba();
            long last = h.lastUsableLba();
            if (first < 1 || first >= total) {
                throw new FormatException(off + GptHeader.OFFSET_FIRST_USABLE_LBA, where + ": FirstUsableLBA " + u(first)
                        + " is outside the disk (LBA 1.." + (total - 1) + ")");
            }
            if (last < 1 || last >= total) {
                throw new FormatException(off + GptHeader.OFFSET_LAST_USABLE_LBA, where + ": LastUsableLBA " + u(last)
                        + " is beyond the last LBA " + (total - 1) + " of the disk");
            }
            if (last < first) {
                throw new FormatException(off + GptHeader.OFFSET_LAST_USABLE_LBA, where + ": LastUsableLBA " + last
                        + " is before FirstUsableLBA " + first);
            }
            if (lba >= first && lba <= last) {
                throw new FormatException(off + GptHeader.OFFSET_FIRST_USABLE_LBA, where + ": the header lies inside the usable"
                        + " range LBA " + first + ".." + last);
            }
            long arrayLba = h.partitionEntryLba();
            long arrayBytes = n * es;
            long arraySectors = GptHeader.ceilDiv(arrayBytes, ss);
            if (arrayLba < 1 || arrayLba >= total || arrayLba + arraySectors - 1 >= total) {
                throw new FormatException(off + GptHeader.OFFSET_PARTITION_ENTRY_LBA, where + ": partition entry array at LBA "
                        + u(arrayLba) + " (" + arraySectors + " sectors) is beyond the last LBA " + (total - 1) + " of the disk");
            }
            long arrayEnd = arrayLba + arraySectors - 1;
            if (lba >= arrayLba && lba <= arrayEnd) {
                throw new FormatException(off + GptHeader.OFFSET_PARTITION_ENTRY_LBA, where + ": partition entry array LBA "
                        + arrayLba + ".." + arrayEnd + " covers the header itself");
            }
            if (arrayLba <= last && arrayEnd >= first) {
                throw new FormatException(off + GptHeader.OFFSET_PARTITION_ENTRY_LBA, where + ": partition entry array LBA "
                        + arrayLba + ".." + arrayEnd + " overlaps the usable range LBA " + first + ".." + last);
            }

            long arrayOff = arrayLba * ss;
            byte[] array = block(arrayOff, (int) arrayBytes);
            int computed = GptHeader.crc32(array, 0, array.length);
            if (computed != h.partitionEntryArrayCrc32()) {
                throw new FormatException(arrayOff, String.format(
                        "GPT partition entry array CRC mismatch at LBA %d: expected 0x%08X, computed 0x%08X", arrayLba,
                        h.partitionEntryArrayCrc32(), computed));
            }
            List<GptPartition> parts = new ArrayList<>();
            ByteBuffer le = ByteBuffer.wrap(array).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                int eo = (int) (i * es);
                Guid type = Guid.fromBytes(array, eo + GptPartition.OFFSET_TYPE_GUID);
                if (type.isZero()) {
                    continue;
                }
                long entryOff = arrayOff + eo;
                long pFirst = le.getLong(eo + GptPartition.OFFSET_STARTING_LBA);
                long pLast = le.getLong(eo + GptPartition.OFFSET_ENDING_LBA);
                String name = GptPartition.decodeName(array, eo);
                String label = "GPT partition entry " + (i + 1) + " '" + name + "' at byte " + entryOff;
                if (pFirst < 0 || pFirst >= total) {
                    throw new FormatException(entryOff + GptPartition.OFFSET_STARTING_LBA, label + ": StartingLBA " + u(pFirst)
                            + " is beyond the last LBA " + (total - 1) + " of the disk");
                }
                if (pLast < 0 || pLast >= total) {
                    throw new FormatException(entryOff + GptPartition.OFFSET_ENDING_LBA, label + ": EndingLBA " + u(pLast)
                            + " is beyond the last LBA " + (total - 1) + " of the disk");
                }
                if (pLast < pFirst) {
                    throw new FormatException(entryOff + GptPartition.OFFSET_ENDING_LBA, label + ": EndingLBA " + pLast
                            + " is before StartingLBA " + pFirst);
                }
                if (pFirst < first || pLast > last) {
                    throw new FormatException(entryOff + GptPartition.OFFSET_STARTING_LBA, label + ": LBA " + pFirst + ".."
                            + pLast + " is outside the usable range LBA " + first + ".." + last);
                }
                parts.add(new GptPartition(i + 1, type, Guid.fromBytes(array, eo + GptPartition.OFFSET_UNIQUE_GUID), pFirst,
                        pLast, le.getLong(eo + GptPartition.OFFSET_ATTRIBUTES), name));
            }
            List<String> overlaps = GptDisk.overlaps(parts);
            if (!overlaps.isEmpty()) {
                throw new FormatException(arrayOff, "GPT partition entry array at LBA " + arrayLba + ": " + overlaps.get(0));
            }
            c.partitions = List.copyOf(parts);
        }

        /** " (a GPT header signature is at byte 4096: is the sector size 4096?)" or "". */
        String otherSectorSizeHint() throws IOException {
            for (int other : SECTOR_SIZES) {
                if (other != ss && total * ss >= 3L * other && signatureAt(ch, other)) {
                    return " (a GPT header signature is at byte " + other + ": is the sector size " + other + "?)";
                }
            }
            return "";
        }

        private static String u(long v) {
            return Long.toUnsignedString(v);
        }
    }
}
