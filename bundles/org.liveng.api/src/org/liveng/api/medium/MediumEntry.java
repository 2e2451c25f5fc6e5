package org.liveng.api.medium;

import java.time.Instant;

/**
 * One entry of a {@link Medium}.
 *
 * @param path absolute path, '/'-separated
 * @param type file, directory or symbolic link
 * @param size size in bytes of a regular file, 0 otherwise
 * @param mode POSIX permission bits (e.g. 0644) when known, else -1
 * @param modified modification time when known, else {@code null}
 * @param linkTarget the target of a symbolic link, else {@code null}
 */
public record MediumEntry(String path, Type type, long size, int mode, Instant modified, String linkTarget) {

    public enum Type { FILE, DIRECTORY, SYMLINK }

    /** The last path element. */
    public String name() {
        int i = path.lastIndexOf('/');
        return i < 0 ? path : path.substring(i + 1);
    }

    public boolean isFile() {
        return type == Type.FILE;
    }

    public boolean isDirectory() {
        return type == Type.DIRECTORY;
    }
}
