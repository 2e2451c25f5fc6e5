package org.liveng.api.initrd;

import java.nio.file.Path;

import org.liveng.api.distro.DistroInfo;
import org.liveng.api.distro.KernelInfo;
import org.liveng.api.medium.Medium;

/**
 * What to augment.
 *
 * @param medium the upstream ISO (read only)
 * @param distro what the base distro found on it (release, architecture, root filesystem)
 * @param kernel the kernel whose initrd is augmented (its release selects the modules)
 * @param workDir an empty folder the provider may use; the result's initrd file lives in it
 * @param mtime modification time of the added files, seconds since the epoch (reproducible builds)
 */
public record InitrdRequest(Medium medium, DistroInfo distro, KernelInfo kernel, Path workDir, long mtime) {
}
