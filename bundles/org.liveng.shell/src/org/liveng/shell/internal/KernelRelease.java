package org.liveng.shell.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;

/**
 * The release of an x86 Linux kernel image, from its boot protocol header (Documentation/arch/x86/boot.rst): the
 * {@code HdrS} magic at 0x202, and at 0x20E {@code kernel_version}, the offset (minus 0x200) of a NUL-terminated string
 * that starts with the release.
 */
final class KernelRelease {
    private KernelRelease() {
    }

    static String of(Path kernel) throws LivengException {
        try (FileChannel ch = FileChannel.open(kernel, StandardOpenOption.READ)) {
            ByteBuffer h = ByteBuffer.allocate(0x210).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(h, 0);
            if (h.position() < 0x210 || h.getInt(0x202) != 0x53726448) {
                throw new LivengException(ErrorCodes.FORMAT, kernel + " is not an x86 Linux kernel image (no HdrS boot header)",
                        "give --version RELEASE for another kind of kernel image");
            }
            long at = (h.getShort(0x20E) & 0xFFFF) + 0x200L;
            ByteBuffer s = ByteBuffer.allocate(256);
            ch.read(s, at);
            String text = new String(s.array(), 0, s.position(), StandardCharsets.US_ASCII);
            String release = text.split("[\\s\\x00]", 2)[0];
            if (!release.matches("[0-9][A-Za-z0-9.+~_-]*")) {
                throw new LivengException(ErrorCodes.FORMAT, kernel + ": the version string at offset " + at + " does not start with a "
                        + "kernel release", "give --version RELEASE");
            }
            return release;
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "reading " + kernel + " failed: " + e.getMessage(), null, e);
        }
    }
}
