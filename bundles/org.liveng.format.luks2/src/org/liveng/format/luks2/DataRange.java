package org.liveng.format.luks2;

/**
 * A range of a plaintext image that holds data (not a hole), as found with
 * {@code SEEK_DATA}/{@code SEEK_HOLE}.
 *
 * @param offset byte offset from the start of the plaintext
 * @param length bytes
 */
public record DataRange(long offset, long length) {
    public DataRange {
        if (offset < 0 || length < 0 || offset + length < offset) {
            throw new IllegalArgumentException("bad data range offset " + offset + " length " + length);
        }
    }

    public long end() {
        return offset + length;
    }
}
