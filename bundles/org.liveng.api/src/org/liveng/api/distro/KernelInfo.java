package org.liveng.api.distro;

/**
 * A kernel on the live medium and its initrd.
 *
 * @param version kernel release, e.g. {@code 6.1.0-25-amd64}
 * @param kernelPath path of the kernel image on the medium
 * @param kernelSize its size in bytes
 * @param initrdPath path of the matching initrd
 * @param configPath path of the kernel config, or {@code null}
 * @param systemMapPath path of System.map, or {@code null}
 * @param initrd analysis of the initrd
 */
public record KernelInfo(
        String version,
        String kernelPath,
        long kernelSize,
        String initrdPath,
        String configPath,
        String systemMapPath,
        InitrdInfo initrd) {
}
