package org.liveng.api.distro;

import java.util.List;

/**
 * What a {@link BaseDistro} found on an upstream live ISO.
 *
 * @param provider id of the provider that inspected it
 * @param family distro family, e.g. {@code debian}
 * @param name the distro's own description, e.g. the text of {@code .disk/info}
 * @param release release codename, e.g. {@code bookworm}, or empty when unknown
 * @param version release version, e.g. {@code 12.7.0}, or empty
 * @param architecture Debian architecture name, e.g. {@code amd64}
 * @param volumeId ISO 9660 volume id
 * @param volumeUuid the medium's UUID as blkid and GRUB show it
 * @param size size of the ISO in bytes
 * @param rootFilesystem path of the squashfs root filesystem
 * @param rootFilesystemSize its size in bytes
 * @param kernels kernels with their initrds, newest first
 * @param boot boot equipment found on the ISO
 * @param checksumFiles checksum lists present on the ISO ({@code /sha256sum.txt}, ...)
 * @param warnings things a user should know (complete sentences)
 */
public record DistroInfo(
        String provider,
        String family,
        String name,
        String release,
        String version,
        String architecture,
        String volumeId,
        String volumeUuid,
        long size,
        String rootFilesystem,
        long rootFilesystemSize,
        List<KernelInfo> kernels,
        BootEquipment boot,
        List<String> checksumFiles,
        List<String> warnings) {

    public DistroInfo {
        kernels = List.copyOf(kernels);
        checksumFiles = List.copyOf(checksumFiles);
        warnings = List.copyOf(warnings);
    }

    /** The default kernel: the newest one. */
    public KernelInfo defaultKernel() {
        return kernels.get(0);
    }
}
