package org.liveng.format.luks2;

/**
 * A LUKS2 data segment of type {@code crypt} (LUKS2 On-Disk Format
 * Specification, section 3.3 "Segments").
 *
 * <pre>
 * "0": { "type": "crypt", "offset": "16777216", "size": "dynamic", "iv_tweak": "0",
 *        "encryption": "aes-xts-plain64", "sector_size": 512 }
 * </pre>
 *
 * @param offset bytes from the device start
 * @param size bytes, or -1 for {@code "dynamic"} (up to the end of the device)
 * @param ivTweak the IV of the first sector (dm-crypt's iv_offset); IVs count
 *        512-byte units whatever the sector size, so sector {@code i} has IV
 *        {@code ivTweak + i * sectorSize / 512}
 */
public record Luks2Segment(int id, long offset, long size, long ivTweak, String encryption, int sectorSize) {
    public boolean dynamic() {
        return size < 0;
    }
}
