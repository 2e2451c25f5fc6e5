package org.liveng.format.initrd;

/**
 * One segment of an initramfs: a run of bytes the kernel unpacks in one go,
 * either a plain cpio archive or one compressed stream holding cpio archives.
 *
 * @param index position in the image, from 0
 * @param compression how the segment is stored
 * @param offset byte offset of the segment's first byte in the image
 * @param compressedLength number of bytes the segment occupies in the image
 *        (without the zero padding that may follow it)
 * @param entryCount number of cpio entries in the segment, not counting trailers
 */
public record Segment(int index, Compression compression, long offset, long compressedLength, int entryCount) {
}
