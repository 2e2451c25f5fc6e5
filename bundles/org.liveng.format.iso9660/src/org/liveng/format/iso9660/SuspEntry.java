package org.liveng.format.iso9660;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One System Use Entry (SUSP IEEE P1281 §4.1).
 *
 * <pre>
 * offset len  field
 *  0      2   signature word, e.g. "PX", "NM", "CE"
 *  2      1   length of the entry including this header (LEN_SUE)
 *  3      1   system use entry version
 *  4    ...   entry data
 * </pre>
 *
 * @param offset absolute image offset of the entry
 * @param signature the two-character signature
 * @param version the entry version
 * @param data the bytes after the 4-byte header
 */
public record SuspEntry(long offset, String signature, int version, byte[] data) {

    /** Size of the header every entry starts with. */
    public static final int HEADER_LENGTH = 4;

    /** The data as a little-endian buffer positioned at data byte 0. */
    ByteBuffer buffer() {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Absolute offset of data byte 0. */
    long dataOffset() {
        return offset + HEADER_LENGTH;
    }
}
