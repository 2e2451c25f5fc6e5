package org.liveng.format.pe;

/**
 * The optional header's CheckSum: the 16-bit one's-complement style sum that
 * Windows' {@code CheckSumMappedFile} computes (carries folded back in, the
 * CheckSum field itself taken as zero, an odd last byte as a low byte), plus the
 * file length. UEFI firmware ignores it; sbsign and osslsigncode set it.
 */
public final class PeChecksum {
    private PeChecksum() {
    }

    /** The checksum of {@code data} with the 4-byte field at {@code checkSumOffset} taken as zero. */
    public static long compute(byte[] data, int checkSumOffset) {
        long sum = 0;
        int n = data.length;
        for (int i = 0; i + 1 < n; i += 2) {
            if (i >= checkSumOffset && i < checkSumOffset + 4) {
                continue;
            }
            sum += (data[i] & 0xFF) | (data[i + 1] & 0xFF) << 8;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        if ((n & 1) != 0) {
            sum += data[n - 1] & 0xFF;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return (sum + n) & 0xFFFFFFFFL;
    }
}
