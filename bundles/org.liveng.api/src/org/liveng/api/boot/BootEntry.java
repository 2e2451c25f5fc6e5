package org.liveng.api.boot;

import java.util.List;

/**
 * One boot menu entry.
 *
 * @param id stable id used for saved defaults and boot counting, e.g. {@code slot-a}, {@code fallback}
 * @param title menu text
 * @param kernelVolume how the kernel's filesystem is found: its filesystem UUID (ISO 9660 "UUID")
 * @param kernelPath path of the kernel inside that filesystem
 * @param initrdPath path of the initrd inside that filesystem
 * @param kernelArgs kernel command line arguments, in order
 */
public record BootEntry(String id, String title, String kernelVolume, String kernelPath, String initrdPath, List<String> kernelArgs) {
    public BootEntry {
        kernelArgs = List.copyOf(kernelArgs);
    }
}
