package org.liveng.format.gpt;

import org.liveng.testing.MemoryChannel;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import org.liveng.api.LivengException;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ExecResult;
import org.liveng.platform.exec.ProcessRunner;

/** Layouts, images, header surgery, and the external oracles (sgdisk, sfdisk, fdisk, blkid). */
final class GptFixtures {
    static final ProcessRunner RUNNER = new ProcessRunner();
    static final long MIB = 1L << 20;
    static final byte[] SEED = "liveng-test-seed".getBytes(StandardCharsets.UTF_8);

    private GptFixtures() {
    }

    /** The default liveng layout (DESIGN.md) on a disk of {@code diskBytes}. */
    static GptLayoutBuilder livengLayout(long diskBytes, int sectorSize, byte[] seed) {
        return new GptLayoutBuilder(diskBytes, sectorSize).seed(seed)
                .add("LIVENG_SYSTEM", PartitionTypes.MICROSOFT_BASIC_DATA, 200 * MIB,
                        GptAttributes.LEGACY_BIOS_BOOTABLE | GptAttributes.MS_READ_ONLY | GptAttributes.MS_NO_AUTOMOUNT, null)
                .add("LIVENG_KERNEL_A", PartitionTypes.LINUX_FILESYSTEM, 256 * MIB, 0, null)
                .add("LIVENG_KERNEL_B", PartitionTypes.LINUX_FILESYSTEM, 256 * MIB, GptAttributes.of(48, 56), null)
                .add("LIVENG_EFI", PartitionTypes.EFI_SYSTEM, 64 * MIB, GptAttributes.REQUIRED, null)
                .add("BIOS boot", PartitionTypes.BIOS_BOOT, MIB, GptAttributes.NO_BLOCK_IO_PROTOCOL, null)
                .addRest("persistence", PartitionTypes.LINUX_FILESYSTEM, 0, null);
    }

    /** A small disk (8 MiB) with three partitions, for unit and fuzz tests. */
    static GptDisk smallDisk(int sectorSize) throws LivengException {
        return new GptLayoutBuilder(8 * MIB, sectorSize).seed(SEED)
                .add("LIVENG_EFI", PartitionTypes.EFI_SYSTEM, 2 * MIB, GptAttributes.REQUIRED, null)
                .add("BIOS boot", PartitionTypes.BIOS_BOOT, MIB, 0, null)
                .addRest("persistence", PartitionTypes.LINUX_LUKS, 0, null)
                .build();
    }

    /** The disk's table bytes in a zeroed in-memory image of the disk's size. */
    static byte[] image(GptDisk disk) throws Exception {
        MemoryChannel ch = MemoryChannel.ofSize(disk.sizeBytes());
        GptWriter.write(ch, disk);
        return ch.toByteArray();
    }

    static GptReadResult read(byte[] image, int sectorSize) throws Exception {
        return GptReader.read(new MemoryChannel(image), image.length, sectorSize);
    }

    /** Creates a sparse image file of {@code size} bytes and writes the disk's GPT into it. */
    static Path writeImage(Path file, GptDisk disk) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(disk.sizeBytes());
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            GptWriter.write(ch, disk);
            GptWriter.verify(ch, disk);
        }
        return file;
    }

    static Path sparseFile(Path file, long size) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
        return file;
    }

    static GptReadResult readFile(Path file, int sectorSize) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return GptReader.read(ch, ch.size(), sectorSize);
        }
    }

    // ---- header and array surgery -------------------------------------------------------

    static long lastLba(byte[] image, int ss) {
        return image.length / ss - 1;
    }

    static GptHeader header(byte[] image, int ss, long lba) throws Exception {
        return GptHeader.parse(java.util.Arrays.copyOfRange(image, (int) (lba * ss), (int) ((lba + 1) * ss)), lba, lba * ss);
    }

    /** Replaces the header at {@code lba} by {@code change(header)} with a correct CRC. */
    static void rewriteHeader(byte[] image, int ss, long lba, UnaryOperator<GptHeader> change) throws Exception {
        GptHeader h = change.apply(header(image, ss, lba));
        GptHeader fixed = h.withHeaderCrc32(h.computeHeaderCrc32());
        System.arraycopy(fixed.toBytes(ss), 0, image, (int) (lba * ss), ss);
    }

    /**
     * Applies {@code change} to both entry arrays (128 x 128 bytes) and fixes the array CRCs and
     * header CRCs, so that only the semantic checks can object.
     */
    static void rewriteArrays(byte[] image, int ss, Consumer<ByteBuffer> change) throws Exception {
        for (long lba : new long[] {1, lastLba(image, ss)}) {
            GptHeader h = header(image, ss, lba);
            int off = (int) (h.partitionEntryLba() * ss);
            int len = (int) h.entryArrayBytes();
            ByteBuffer arr = ByteBuffer.wrap(image, off, len).slice().order(ByteOrder.LITTLE_ENDIAN);
            change.accept(arr);
            int crc = GptHeader.crc32(image, off, len);
            rewriteHeader(image, ss, lba, x -> new GptHeader(x.revision(), x.headerSize(), 0, x.reserved(), x.myLba(),
                    x.alternateLba(), x.firstUsableLba(), x.lastUsableLba(), x.diskGuid(), x.partitionEntryLba(),
                    x.numberOfPartitionEntries(), x.sizeOfPartitionEntry(), crc));
        }
    }

    static GptHeader with(GptHeader x, long alternateLba, long first, long last, long entryLba, long count, long size) {
        return new GptHeader(x.revision(), x.headerSize(), 0, x.reserved(), x.myLba(), alternateLba, first, last,
                x.diskGuid(), entryLba, count, size, x.partitionEntryArrayCrc32());
    }

    // ---- oracles -----------------------------------------------------------------------

    /** Runs a tool; a missing tool fails the test with what to install. */
    static ExecResult run(Command c) {
        return org.liveng.testing.Oracles.run(c);
    }

    static String sgdisk(String... args) {
        return run(Command.of("sgdisk", args).fromPackage("gdisk")).stdoutText();
    }

    static String sfdisk(String... args) {
        return run(Command.of("sfdisk", args).fromPackage("fdisk")).stdoutText();
    }

    static ExecResult fdisk(byte[] stdin, String... args) {
        Command c = Command.of("fdisk", args).fromPackage("fdisk");
        if (stdin != null) {
            c.stdin(stdin);
        }
        return run(c);
    }

    static String blkid(String... args) {
        return run(Command.of("blkid", args).fromPackage("util-linux")).stdoutText();
    }

    /** The fields of {@code sgdisk -i N}. */
    record SgdiskInfo(Guid type, Guid unique, long first, long last, long attributes, String name) {
    }

    static SgdiskInfo sgdiskInfo(Path image, int n) {
        String out = sgdisk("-i", Integer.toString(n), image.toString());
        return new SgdiskInfo(Guid.parse(field(out, "Partition GUID code: ").substring(0, 36)),
                Guid.parse(field(out, "Partition unique GUID: ").substring(0, 36)),
                Long.parseLong(field(out, "First sector: ").split(" ")[0]),
                Long.parseLong(field(out, "Last sector: ").split(" ")[0]),
                Long.parseUnsignedLong(field(out, "Attribute flags: ").strip(), 16),
                unquote(field(out, "Partition name: ").strip()));
    }

    static String field(String out, String prefix) {
        for (String line : out.split("\n")) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length());
            }
        }
        fail("no line starting with '" + prefix + "' in:\n" + out);
        return null;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("'") && s.endsWith("'") ? s.substring(1, s.length() - 1) : s;
    }

    /** sfdisk's "attrs" text to the attribute bits. */
    static long sfdiskAttrs(String attrs) {
        long v = 0;
        if (attrs == null) {
            return 0;
        }
        for (String t : attrs.trim().split("\\s+")) {
            if (t.isEmpty()) {
                continue;
            }
            switch (t) {
                case "RequiredPartition" -> v |= GptAttributes.REQUIRED;
                case "NoBlockIOProtocol" -> v |= GptAttributes.NO_BLOCK_IO_PROTOCOL;
                case "LegacyBIOSBootable" -> v |= GptAttributes.LEGACY_BIOS_BOOTABLE;
                default -> {
                    if (!t.startsWith("GUID:")) {
                        fail("unknown sfdisk attribute '" + t + "' in '" + attrs + "'");
                    }
                    for (String b : t.substring(5).split(",")) {
                        v |= 1L << Integer.parseInt(b);
                    }
                }
            }
        }
        return v;
    }

    // ---- a small JSON reader for sfdisk --json -------------------------------------------

    static Object json(String text) {
        Json j = new Json(text);
        Object v = j.value();
        j.ws();
        if (j.i != text.length()) {
            fail("trailing text in JSON at " + j.i);
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Object o, String key) {
        return (Map<String, Object>) ((Map<String, Object>) o).get(key);
    }

    private static final class Json {
        final String s;
        int i;

        Json(String s) {
            this.s = s;
        }

        void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        Object value() {
            ws();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                ws();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    ws();
                    String k = string();
                    ws();
                    expect(':');
                    m.put(k, value());
                    ws();
                    if (s.charAt(i) == ',') {
                        i++;
                    } else {
                        expect('}');
                        return m;
                    }
                }
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                ws();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    ws();
                    if (s.charAt(i) == ',') {
                        i++;
                    } else {
                        expect(']');
                        return l;
                    }
                }
            }
            if (c == '"') {
                return string();
            }
            if (s.startsWith("true", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            if (start == i) {
                fail("unexpected '" + c + "' in JSON at " + i);
            }
            return Long.parseLong(s.substring(start, i));
        }

        String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (s.charAt(i) != '"') {
                char c = s.charAt(i++);
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'u' -> {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
            i++;
            return sb.toString();
        }

        void expect(char c) {
            if (s.charAt(i) != c) {
                fail("expected '" + c + "' in JSON at " + i + ", found '" + s.charAt(i) + "'");
            }
            i++;
        }
    }
}
