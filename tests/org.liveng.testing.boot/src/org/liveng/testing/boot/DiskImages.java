package org.liveng.testing.boot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.liveng.api.LivengException;
import org.liveng.api.plan.PartitionPlan;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ExecResult;

/** Makes and changes raw disk images for boot tests. */
public final class DiskImages {
    /** The filesystem label the fixture agent looks for. */
    public static final String STEPS_LABEL = "LIVENG-STEPS";

    /** xorriso's {@code report_lba} line: the file's first 2048-byte block and its size are the 2nd and 4th numbers. */
    private static final Pattern REPORT_LBA = Pattern.compile("File data lba:\\s*\\d+\\s*,\\s*(\\d+)\\s*,\\s*\\d+\\s*,\\s*(\\d+)\\s*,");

    private DiskImages() {
    }

    /** Copies {@code source} byte for byte to {@code target} (replaced), like {@code dd}; returns {@code target}. */
    public static Path writeRaw(Path source, Path target) throws IOException {
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            long size = in.size();
            long pos = 0;
            while (pos < size) {
                pos += in.transferTo(pos, size - pos, out);
            }
            out.force(false);
        }
        return target;
    }

    /**
     * Makes a 32 MiB ext4 image labelled {@value #STEPS_LABEL} holding {@code steps.sh} with the given
     * content (run by the fixture agent as root with bash); returns {@code target}.
     */
    public static Path stepsDisk(Path target, String stepsScript) throws IOException, LivengException {
        Path dir = Files.createTempDirectory("liveng-steps-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        try {
            Path script = dir.resolve("steps.sh");
            Files.writeString(script, stepsScript, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            return stepsDisk(target, dir);
        } finally {
            Machine.deleteTree(dir);
        }
    }

    /** Makes a 32 MiB ext4 image labelled {@value #STEPS_LABEL} with the contents of {@code dir} (which must hold steps.sh). */
    public static Path stepsDisk(Path target, Path dir) throws IOException, LivengException {
        if (!Files.isRegularFile(dir.resolve("steps.sh"))) {
            throw new IllegalArgumentException(dir + " holds no steps.sh");
        }
        HostTools.requireProgram("mkfs.ext4", "e2fsprogs");
        Files.deleteIfExists(target);
        HostTools.RUNNER.run(Command.of("mkfs.ext4", "-q", "-F", "-L", STEPS_LABEL, "-d", dir.toString(),
                target.toString(), "32M").fromPackage("e2fsprogs").timeout(Duration.ofMinutes(2)));
        return target;
    }

    /** Inverts {@code count} bytes at {@code offset} in place (a tampering that changes every bit). */
    public static void flipBytes(Path image, long offset, int count) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (offset < 0 || offset + count > ch.size()) {
                throw new IOException("bytes " + offset + "+" + count + " are outside " + image + " (" + ch.size() + " bytes)");
            }
            ByteBuffer b = ByteBuffer.allocate(count);
            readFully(ch, b, offset);
            for (int i = 0; i < count; i++) {
                b.put(i, (byte) ~b.get(i));
            }
            b.rewind();
            while (b.hasRemaining()) {
                ch.write(b, offset + b.position());
            }
            ch.force(false);
        }
    }

    /**
     * Inverts 64 bytes in the middle of the file {@code path} of the ISO 9660 filesystem in {@code partition} (a kernel
     * slot), found by xorriso's report of the file's blocks on a copy of the partition made in {@code work} (deleted after).
     */
    public static void tamperIsoFile(Path image, PartitionPlan partition, String path, Path work) throws IOException, LivengException {
        long start = partition.firstLba() * 512;
        Path iso = extract(image, start, (partition.lastLba() - partition.firstLba() + 1) * 512, work.resolve(partition.name() + "-probe.iso"));
        ExecResult r;
        try {
            r = HostTools.RUNNER.run(Command.of("xorriso", "-indev", iso.toString(), "-find", path, "-exec", "report_lba", "--")
                    .fromPackage("xorriso"));
        } finally {
            Files.delete(iso);
        }
        String report = r.stdoutText() + r.stderr();
        Matcher m = REPORT_LBA.matcher(report);
        if (!m.find()) {
            throw new AssertionError("xorriso reported no blocks for " + path + " in " + partition.name() + ":\n" + report);
        }
        flipBytes(image, start + Long.parseLong(m.group(1)) * 2048 + Long.parseLong(m.group(2)) / 2, 64);
    }

    /** Copies {@code length} bytes at {@code offset} of {@code image} to the new file {@code target}. */
    public static Path extract(Path image, long offset, long length, Path target) throws IOException {
        try (FileChannel in = FileChannel.open(image, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            if (offset < 0 || offset + length > in.size()) {
                throw new IOException("bytes " + offset + "+" + length + " are outside " + image);
            }
            long done = 0;
            while (done < length) {
                done += in.transferTo(offset + done, length - done, out);
            }
        }
        return target;
    }

    /** Writes all of {@code part} into {@code image} at {@code offset} (the image does not grow). */
    public static void writeAt(Path image, long offset, Path part) throws IOException {
        try (FileChannel in = FileChannel.open(part, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long length = in.size();
            if (offset < 0 || offset + length > out.size()) {
                throw new IOException(part + " (" + length + " bytes) does not fit into " + image + " at " + offset);
            }
            long done = 0;
            while (done < length) {
                done += in.transferTo(done, length - done, out.position(offset + done));
            }
            out.force(false);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long offset) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, offset + b.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        b.flip();
    }
}
