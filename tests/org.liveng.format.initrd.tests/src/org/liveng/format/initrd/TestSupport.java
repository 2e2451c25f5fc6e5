package org.liveng.format.initrd;

import org.liveng.testing.MemoryChannel;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

import org.liveng.api.FormatException;
import org.liveng.api.LivengException;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ExecResult;
import org.liveng.platform.exec.ProcessRunner;

/** Shared helpers: external tools through {@link ProcessRunner}, a cpio writer, an in-memory channel. */
final class TestSupport {
    static final ProcessRunner RUNNER = new ProcessRunner();

    private TestSupport() {
    }

    /** Fails the test (never skips) when a program is missing, naming the package to install. */
    static void requireTool(String program, String debianPackage) {
        if (RUNNER.locate(program).isEmpty()) {
            fail("required program '" + program + "' not found: install " + debianPackage
                    + " (apt-get install " + debianPackage + ")");
        }
    }

    /** Runs a program with {@code input} on stdin and returns its stdout. */
    static byte[] pipe(byte[] input, String debianPackage, String program, String... args) {
        requireTool(program, debianPackage);
        try {
            ExecResult r = RUNNER.run(Command.of(program, args).stdin(input).fromPackage(debianPackage)
                    .timeout(Duration.ofMinutes(2)));
            return r.stdout();
        } catch (LivengException e) {
            return fail(e.getMessage() + (e.hint() == null ? "" : " (" + e.hint() + ")"));
        }
    }

    static byte[] gzip(byte[] b) {
        return pipe(b, "gzip", "gzip", "-n", "-c");
    }

    static byte[] xz(byte[] b) {
        return pipe(b, "xz-utils", "xz", "-c", "--check=crc32");
    }

    static byte[] lzma(byte[] b) {
        return pipe(b, "xz-utils", "lzma", "-c");
    }

    static byte[] bzip2(byte[] b) {
        return pipe(b, "bzip2", "bzip2", "-c");
    }

    static byte[] zstd(byte[] b) {
        return pipe(b, "zstd", "zstd", "-q", "-c");
    }

    static byte[] lz4Legacy(byte[] b) {
        return pipe(b, "lz4", "lz4", "-l", "-c");
    }

    static byte[] compress(Compression c, byte[] b) {
        return switch (c) {
            case NONE -> b;
            case GZIP -> gzip(b);
            case XZ -> xz(b);
            case LZMA -> lzma(b);
            case BZIP2 -> bzip2(b);
            case ZSTD -> zstd(b);
            case LZ4_LEGACY -> lz4Legacy(b);
        };
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static Initramfs read(byte[] image) throws IOException, FormatException {
        return read(image, p -> true, 1 << 20);
    }

    static Initramfs read(byte[] image, Predicate<String> capture, long max) throws IOException, FormatException {
        return Initramfs.read(new MemoryChannel(image), image.length, capture, max);
    }

    /** The repository root: system property liveng.repo, env LIVENG_REPO, or the first parent holding tests/fixtures. */
    static Path repoRoot() {
        return org.liveng.testing.TestRepo.root();
    }

    /** Writes cpio newc archives, with hooks for producing broken ones. */
    static final class CpioWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private String magic = "070701";
        private int ino = 1;

        CpioWriter magic(String m) {
            this.magic = m;
            return this;
        }

        CpioWriter dir(String name) {
            return entry(name, 0040755, new byte[0]);
        }

        CpioWriter file(String name, String content) {
            return entry(name, 0100644, content.getBytes(StandardCharsets.UTF_8));
        }

        CpioWriter file(String name, byte[] content) {
            return entry(name, 0100644, content);
        }

        CpioWriter symlink(String name, String target) {
            return entry(name, 0120777, target.getBytes(StandardCharsets.UTF_8));
        }

        CpioWriter device(String name) {
            return raw(name, 0020600, new byte[0], -1, -1, 5, 1);
        }

        CpioWriter entry(String name, int mode, byte[] data) {
            return raw(name, mode, data, -1, -1, 0, 0);
        }

        /** An entry with explicit name size / file size fields (-1: the true value). */
        CpioWriter raw(String name, int mode, byte[] data, long nameSizeField, long fileSizeField, int rmaj, int rmin) {
            byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
            long sum = 0;
            for (byte b : data) {
                sum += b & 0xff;
            }
            StringBuilder h = new StringBuilder(magic);
            long[] f = {ino++, mode, 0, 0, 1, 1700000000L, fileSizeField < 0 ? data.length : fileSizeField, 0, 0, rmaj, rmin,
                nameSizeField < 0 ? n.length : nameSizeField, magic.equals("070702") ? sum & 0xffffffffL : 0};
            for (long v : f) {
                h.append(String.format("%08x", v));
            }
            out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(n);
            pad();
            out.writeBytes(data);
            pad();
            return this;
        }

        CpioWriter bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        CpioWriter trailer() {
            return entry("TRAILER!!!", 0, new byte[0]);
        }

        /** Zero padding up to a multiple of {@code block} (GNU cpio pads to 512). */
        CpioWriter padTo(int block) {
            while (out.size() % block != 0) {
                out.write(0);
            }
            return this;
        }

        private void pad() {
            while (out.size() % 4 != 0) {
                out.write(0);
            }
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }

}
