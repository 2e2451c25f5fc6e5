package org.liveng.distro.debian.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Optional;

/** Kernel release strings: ordering, and reading one from an x86 bzImage header. */
final class KernelVersions {
    /** Offset of the "HdrS" magic of the x86 boot protocol header (Documentation/arch/x86/boot.rst). */
    static final int HEADER_MAGIC_OFFSET = 0x202;
    static final int HEADER_MAGIC = 0x53726448; // "HdrS" little-endian
    /** Offset of kernel_version: a pointer to the version string, minus 0x200. */
    static final int KERNEL_VERSION_OFFSET = 0x20E;
    static final int HEADER_BASE = 0x200;

    private KernelVersions() {
    }

    /**
     * Compares kernel releases like dpkg would for the usual Debian forms
     * ({@code 6.1.0-25-amd64} &lt; {@code 6.1.0-26-amd64} &lt; {@code 6.12.9-amd64}):
     * digit runs numerically, other runs lexically.
     */
    static final Comparator<String> ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    /**
     * The release from the version string a bzImage carries
     * ({@code "6.1.0-25-amd64 (kernel-builder) #1 SMP ..."}), if the
     * header is an x86 boot protocol header.
     */
    static Optional<String> fromBzImageHeader(byte[] head) {
        if (head.length < KERNEL_VERSION_OFFSET + 2) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(HEADER_MAGIC_OFFSET) != HEADER_MAGIC) {
            return Optional.empty();
        }
        int ptr = Short.toUnsignedInt(b.getShort(KERNEL_VERSION_OFFSET));
        if (ptr == 0) {
            return Optional.empty();
        }
        int start = ptr + HEADER_BASE;
        if (start >= head.length) {
            return Optional.empty();
        }
        int end = start;
        while (end < head.length && head[end] != 0 && head[end] != ' ' && end - start < 128) {
            end++;
        }
        String v = new String(head, start, end - start, StandardCharsets.US_ASCII);
        return v.matches("[0-9][0-9A-Za-z.+~_-]*") ? Optional.of(v) : Optional.empty();
    }
}
