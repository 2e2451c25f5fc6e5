package org.liveng.format.initrd;

import java.io.IOException;

/**
 * Corrupt or truncated compressed data, raised from inside a decompressing
 * {@link java.io.InputStream} (which may only throw {@link IOException}) and
 * turned into a {@link org.liveng.api.FormatException} by {@link Initramfs}.
 */
final class CorruptDataException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    /**
     * @param offset byte offset in the image where the problem was detected
     */
    CorruptDataException(long offset, String message) {
        super(message);
        this.offset = offset;
    }

    long offset() {
        return offset;
    }
}
