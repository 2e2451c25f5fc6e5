package org.liveng.api.medium;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes to be placed somewhere, readable as often as needed: a file on the
 * host, a file inside an ISO, or bytes in memory.
 */
public interface Content {
    /** Size in bytes. */
    long size();

    /** A fresh stream over the whole content. */
    InputStream open() throws IOException;

    /** A short, printable description for plans and manifests. */
    String describe();

    static Content of(byte[] bytes, String description) {
        byte[] copy = bytes.clone();
        return of(copy.length, () -> new ByteArrayInputStream(copy), description);
    }

    static Content of(Path file) throws IOException {
        return of(Files.size(file), () -> Files.newInputStream(file), file.toString());
    }

    /** Opens a fresh stream over some content. */
    @FunctionalInterface
    interface Opener {
        InputStream open() throws IOException;
    }

    /** Content of a known size whose bytes come from {@code opener} each time. */
    static Content of(long size, Opener opener, String description) {
        return new Content() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                return opener.open();
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }
}
