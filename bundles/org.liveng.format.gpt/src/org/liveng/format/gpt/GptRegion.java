package org.liveng.format.gpt;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One contiguous byte range that {@link GptWriter} writes: what it is, where, and the exact
 * bytes. A caller can put these into a write plan, write them itself, and compare a re-read.
 *
 * @param what e.g. "protective MBR", "primary GPT header"
 * @param offset byte offset on the disk
 * @param bytes the bytes (a copy is kept and handed out)
 */
public record GptRegion(String what, long offset, byte[] bytes) {

    public GptRegion {
        Objects.requireNonNull(what, "what");
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    /** First byte after the region. */
    public long end() {
        return offset + bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GptRegion r && what.equals(r.what) && offset == r.offset && Arrays.equals(bytes, r.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(what, offset, Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
        return String.format("%s at byte %d (0x%X), %d bytes, sha256 %s", what, offset, offset, bytes.length, sha256());
    }

    /** SHA-256 of the bytes, lower-case hex, for plans and manifests. */
    public String sha256() {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
