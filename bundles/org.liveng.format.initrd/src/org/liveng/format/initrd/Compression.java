package org.liveng.format.initrd;

import java.util.Locale;

/**
 * How an initramfs segment is stored, recognised by its leading magic bytes
 * the way the kernel's {@code decompress_method()} does (lib/decompress.c).
 *
 * <table>
 * <caption>Magic numbers</caption>
 * <tr><th>format</th><th>magic</th><th>reference</th></tr>
 * <tr><td>cpio newc / crc</td><td>{@code "070701"} / {@code "070702"}</td><td>cpio(5), buffer-format.rst</td></tr>
 * <tr><td>gzip</td><td>{@code 1f 8b 08}</td><td>RFC 1952</td></tr>
 * <tr><td>xz</td><td>{@code fd 37 7a 58 5a 00}</td><td>.xz file format 1.x</td></tr>
 * <tr><td>lzma (LZMA-alone)</td><td>{@code 5d 00}</td><td>LZMA SDK lzma-file-format</td></tr>
 * <tr><td>bzip2</td><td>{@code "BZh"} + block size digit</td><td>bzip2 format</td></tr>
 * <tr><td>zstd</td><td>{@code 28 b5 2f fd}</td><td>RFC 8878</td></tr>
 * <tr><td>lz4 legacy</td><td>{@code 02 21 4c 18} (0x184C2102 LE)</td><td>lz4 Frame format, "Legacy frame"</td></tr>
 * </table>
 */
public enum Compression {
    /** A plain cpio archive. */
    NONE,
    /** gzip (RFC 1952), one member per segment. */
    GZIP,
    /** xz, one stream per segment. */
    XZ,
    /** The legacy LZMA-alone format written by {@code lzma}. */
    LZMA,
    /** bzip2, one stream per segment. */
    BZIP2,
    /** Zstandard (RFC 8878), one or more frames per segment. */
    ZSTD,
    /** LZ4 legacy frame, as written by {@code lz4 -l}. */
    LZ4_LEGACY;

    /** Length of the longest magic we compare; callers peek this many bytes. */
    public static final int MAGIC_PROBE_LENGTH = 6;

    static final byte[] CPIO_NEWC = {'0', '7', '0', '7', '0', '1'};
    static final byte[] CPIO_CRC = {'0', '7', '0', '7', '0', '2'};
    static final byte[] CPIO_ODC = {'0', '7', '0', '7', '0', '7'};
    static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b, 0x08};
    static final byte[] XZ_MAGIC = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0x00};
    static final byte[] LZMA_MAGIC = {0x5d, 0x00};
    static final byte[] BZIP2_MAGIC = {'B', 'Z', 'h'};
    static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
    static final byte[] LZ4_LEGACY_MAGIC = {0x02, 0x21, 0x4c, 0x18};
    /** The modern LZ4 frame (0x184D2204), which the kernel does not accept for initramfs. */
    static final byte[] LZ4_FRAME_MAGIC = {0x04, 0x22, 0x4d, 0x18};
    static final byte[] LZO_MAGIC = {(byte) 0x89, 'L', 'Z', 'O'};

    /** Lower-case display name: {@code none, gzip, xz, lzma, bzip2, zstd, lz4}. */
    public String displayName() {
        return this == LZ4_LEGACY ? "lz4" : name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return displayName();
    }

    /**
     * The compression whose magic starts {@code head}, or {@code null} when none matches.
     *
     * @param head the first bytes of a segment
     * @param length how many bytes of {@code head} are valid
     */
    public static Compression detect(byte[] head, int length) {
        if (startsWith(head, length, CPIO_NEWC) || startsWith(head, length, CPIO_CRC)) {
            return NONE;
        }
        if (startsWith(head, length, GZIP_MAGIC)) {
            return GZIP;
        }
        if (startsWith(head, length, XZ_MAGIC)) {
            return XZ;
        }
        if (startsWith(head, length, ZSTD_MAGIC)) {
            return ZSTD;
        }
        if (startsWith(head, length, LZ4_LEGACY_MAGIC)) {
            return LZ4_LEGACY;
        }
        if (startsWith(head, length, BZIP2_MAGIC) && length > 3 && head[3] >= '1' && head[3] <= '9') {
            return BZIP2;
        }
        if (startsWith(head, length, LZMA_MAGIC)) {
            return LZMA;
        }
        return null;
    }

    /** A hint for well-known magics we recognise but cannot read, or {@code null}. */
    static String unsupportedHint(byte[] head, int length) {
        if (startsWith(head, length, CPIO_ODC)) {
            return "old portable cpio format (070707); the kernel needs newc: cpio -H newc";
        }
        if (startsWith(head, length, LZ4_FRAME_MAGIC)) {
            return "LZ4 frame format (0x184D2204); the kernel only reads the legacy frame: lz4 -l";
        }
        if (startsWith(head, length, LZO_MAGIC)) {
            return "lzop compression is not supported by this reader";
        }
        return null;
    }

    static boolean startsWith(byte[] head, int length, byte[] magic) {
        if (length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (head[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** Hex rendering of the first {@code length} bytes, e.g. {@code "de ad be ef"}. */
    static String hex(byte[] bytes, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", bytes[i] & 0xff));
        }
        return sb.toString();
    }
}
