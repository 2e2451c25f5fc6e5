package org.liveng.format.iso9660;

import java.nio.ByteBuffer;

/**
 * A boot record volume descriptor (ECMA-119 §8.2) as used by El Torito (El Torito
 * specification 1.0, section 2.0 "Boot Record Volume Descriptor").
 *
 * <pre>
 * offset len  field
 *  0      1   type 0
 *  1      5   "CD001"
 *  6      1   version 1
 *  7     32   boot system identifier, "EL TORITO SPECIFICATION" padded with NULs
 * 39     32   boot identifier (unused by El Torito)
 * 71      4   El Torito: absolute sector of the boot catalog (LE 32)
 * </pre>
 *
 * @param offset absolute offset of the descriptor
 * @param bootSystemId the boot system identifier
 * @param bootCatalogSector the boot catalog sector for El Torito, else -1
 */
public record BootRecord(long offset, String bootSystemId, long bootCatalogSector) {

    /** The boot system identifier El Torito uses. */
    public static final String EL_TORITO_ID = "EL TORITO SPECIFICATION";
    static final int OFF_BOOT_SYSTEM_ID = 7;
    static final int OFF_CATALOG = 0x47;

    static BootRecord parse(ByteBuffer b, long base) {
        String id = IsoBytes.text(b, OFF_BOOT_SYSTEM_ID, 32);
        long catalog = EL_TORITO_ID.equals(id) ? IsoBytes.u32le(b, OFF_CATALOG) : -1;
        return new BootRecord(base, id, catalog);
    }

    public boolean isElTorito() {
        return bootCatalogSector >= 0;
    }
}
