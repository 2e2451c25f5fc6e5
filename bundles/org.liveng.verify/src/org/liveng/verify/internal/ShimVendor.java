package org.liveng.verify.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.liveng.api.FormatException;
import org.liveng.api.LivengException;
import org.liveng.format.pe.PeImage;

/**
 * The vendor certificate shim carries in its {@code .vendor_cert} section (shim's cert.S): four
 * little-endian UINT32s (authorized size, deauthorized size, authorized offset, deauthorized offset,
 * offsets from the section start), then the DER certificate the distro signs GRUB, MokManager and
 * kernels with.
 */
final class ShimVendor {
    private ShimVendor() {
    }

    /** The vendor certificate as a one-entry trust, or empty when the binary is not shim. */
    static Optional<Trust> read(PeImage image) throws LivengException {
        Optional<byte[]> section = image.sectionData(".vendor_cert");
        if (section.isEmpty()) {
            return Optional.empty();
        }
        byte[] s = section.get();
        if (s.length < 16) {
            throw new FormatException(0, image.source() + ": .vendor_cert is " + s.length + " bytes, shorter than its 16-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(s).order(ByteOrder.LITTLE_ENDIAN);
        long size = Integer.toUnsignedLong(b.getInt(0));
        long offset = Integer.toUnsignedLong(b.getInt(8));
        if (size == 0) {
            return Optional.of(Trust.empty("shim vendor certificate (none)"));
        }
        if (offset + size > s.length) {
            throw new FormatException(offset, image.source() + ": .vendor_cert certificate (" + size + " bytes at " + offset
                    + ") runs past the section (" + s.length + " bytes)");
        }
        byte[] der = java.util.Arrays.copyOfRange(s, (int) offset, (int) (offset + size));
        var cert = Trust.certificate(der, image.source() + " .vendor_cert");
        return Optional.of(new Trust("shim vendor certificate " + ChainVerifier.commonName(cert), List.of(cert), Set.of()));
    }
}
