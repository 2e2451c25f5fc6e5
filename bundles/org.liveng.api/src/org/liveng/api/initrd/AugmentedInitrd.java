package org.liveng.api.initrd;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.liveng.api.distro.InitrdInfo;

/**
 * The augmented initrd and an account of what was added.
 *
 * @param initrd the new initrd file (inside the request's work folder)
 * @param sha256 its SHA-256
 * @param info the new initrd analysed like the ISO's ({@code encryptionReady} is true)
 * @param packages the packages files were taken from
 * @param files the files of the appended archive
 * @param overlayFiles files (path in the live system to text) the persistent overlay needs so
 *        that initrds rebuilt on the device keep cryptsetup, e.g.
 *        {@code /etc/cryptsetup-initramfs/conf-hook} with {@code CRYPTSETUP=y}
 */
public record AugmentedInitrd(Path initrd, String sha256, InitrdInfo info, List<AddedPackage> packages, List<AddedFile> files,
        Map<String, String> overlayFiles) {

    public AugmentedInitrd {
        packages = List.copyOf(packages);
        files = List.copyOf(files);
        overlayFiles = Map.copyOf(overlayFiles);
    }

    /**
     * A package files were taken from.
     *
     * @param name package name, e.g. {@code cryptsetup-bin}
     * @param version its version, e.g. {@code 2:2.6.1-4~deb12u2}, or empty when unknown
     * @param source where it came from, e.g. {@code squashfs /live/filesystem.squashfs} or {@code apt bookworm}
     */
    public record AddedPackage(String name, String version, String source) {
    }

    /**
     * A file of the appended archive.
     *
     * @param path path inside the initrd, e.g. {@code usr/sbin/cryptsetup}
     * @param size size in bytes
     * @param sha256 SHA-256 of its content
     * @param origin the package it came from, or {@code depmod} for a regenerated module index
     */
    public record AddedFile(String path, long size, String sha256, String origin) {
    }
}
