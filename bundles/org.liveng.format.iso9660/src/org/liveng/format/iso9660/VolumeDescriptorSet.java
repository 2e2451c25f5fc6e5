package org.liveng.format.iso9660;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.liveng.api.FormatException;

/**
 * The volume descriptor set (ECMA-119 §6.7.1, §8): descriptors in consecutive 2048-byte
 * sectors from sector 16 up to and including a set terminator (type 255).
 *
 * @param primary the first primary volume descriptor
 * @param joliet the first Joliet supplementary descriptor, if any
 * @param supplementary all supplementary descriptors (Joliet or not)
 * @param bootRecords all boot record descriptors
 */
public record VolumeDescriptorSet(VolumeDescriptor primary, Optional<VolumeDescriptor> joliet,
        List<VolumeDescriptor> supplementary, List<BootRecord> bootRecords) {

    /** Upper bound on descriptors read before a terminator must have appeared. */
    static final int MAX_DESCRIPTORS = 64;

    static VolumeDescriptorSet read(ImageChannel img) throws FormatException {
        long start = (long) VolumeDescriptor.FIRST_SECTOR * VolumeDescriptor.SECTOR_SIZE;
        if (img.size() < start + VolumeDescriptor.SECTOR_SIZE) {
            throw new FormatException(start, "ISO 9660 volume descriptor at offset " + IsoBytes.hex(start)
                    + ": the image is only " + img.size() + " bytes, too short to hold one (expected at least "
                    + (start + VolumeDescriptor.SECTOR_SIZE) + ")");
        }
        VolumeDescriptor primary = null;
        VolumeDescriptor joliet = null;
        List<VolumeDescriptor> supplementary = new ArrayList<>();
        List<BootRecord> boot = new ArrayList<>();
        for (int i = 0; ; i++) {
            long at = start + (long) i * VolumeDescriptor.SECTOR_SIZE;
            if (i >= MAX_DESCRIPTORS) {
                throw new FormatException(at, "ISO 9660 volume descriptor set: no set terminator within the first "
                        + MAX_DESCRIPTORS + " descriptors");
            }
            if (at + VolumeDescriptor.SECTOR_SIZE > img.size()) {
                throw new FormatException(at, "ISO 9660 volume descriptor at offset " + IsoBytes.hex(at)
                        + ": image ends before the volume descriptor set terminator");
            }
            ByteBuffer b = img.read(at, VolumeDescriptor.SECTOR_SIZE, "ISO 9660 volume descriptor");
            String magic = new String(IsoBytes.bytes(b, VolumeDescriptor.OFF_STANDARD_ID, 5), StandardCharsets.ISO_8859_1);
            if (!VolumeDescriptor.STANDARD_ID.equals(magic)) {
                throw new FormatException(at + 1, "ISO 9660 volume descriptor at offset " + IsoBytes.hex(at)
                        + ": standard identifier is '" + printable(magic) + "', expected 'CD001'"
                        + (i == 0 ? " (not an ISO 9660 image)" : ""));
            }
            int type = IsoBytes.u8(b, VolumeDescriptor.OFF_TYPE);
            if (type == VolumeDescriptor.TYPE_TERMINATOR) {
                break;
            }
            switch (type) {
                case VolumeDescriptor.TYPE_PRIMARY -> {
                    if (primary == null) {
                        primary = VolumeDescriptor.parse(b, at);
                    }
                }
                case VolumeDescriptor.TYPE_SUPPLEMENTARY -> {
                    VolumeDescriptor svd = VolumeDescriptor.parse(b, at);
                    supplementary.add(svd);
                    if (svd.isJoliet() && joliet == null) {
                        joliet = svd;
                    }
                }
                case VolumeDescriptor.TYPE_BOOT_RECORD -> boot.add(BootRecord.parse(b, at));
                default -> {
                    // volume partition descriptors and reserved types are skipped
                }
            }
        }
        if (primary == null) {
            throw new FormatException(start, "ISO 9660 volume descriptor set at offset " + IsoBytes.hex(start)
                    + ": no primary volume descriptor before the terminator");
        }
        return new VolumeDescriptorSet(primary, Optional.ofNullable(joliet), List.copyOf(supplementary), List.copyOf(boot));
    }

    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return sb.toString();
    }
}
