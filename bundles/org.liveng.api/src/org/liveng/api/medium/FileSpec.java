package org.liveng.api.medium;

import java.util.Objects;

/**
 * A file to be written into a filesystem liveng builds (the ESP, a kernel slot).
 *
 * @param path absolute path inside that filesystem, e.g. {@code /EFI/BOOT/BOOTX64.EFI}
 * @param content what goes there
 */
public record FileSpec(String path, Content content) {
    public FileSpec {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(content, "content");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must be absolute: " + path);
        }
    }
}
