package org.liveng.format.initrd;

import java.io.IOException;

/**
 * Marks a real I/O failure of the underlying channel, so that it is not
 * mistaken for corrupt data when it surfaces through a decompressor.
 */
final class ChannelIOException extends IOException {
    private static final long serialVersionUID = 1L;

    ChannelIOException(IOException cause) {
        super(cause.getMessage(), cause);
    }
}
