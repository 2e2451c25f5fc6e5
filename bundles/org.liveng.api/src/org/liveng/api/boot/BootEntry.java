package org.liveng.api.boot;

import java.util.List;

/**
 * One boot menu entry.
 *
 * @param id stable id, used in the boot state and as the menu entry id, e.g. {@code a}, {@code b}, {@code fallback}
 * @param title menu text
 * @param kernelVolume the filesystem UUID (as GRUB's {@code search --fs-uuid} sees it) holding kernel and initrd
 * @param kernelPath path of the kernel inside that filesystem
 * @param initrdPath path of the initrd inside that filesystem
 * @param kernelArgs kernel command line arguments, in order
 * @param slot whether this entry boots a kernel slot subject to boot counting ({@link BootState})
 */
public record BootEntry(String id, String title, String kernelVolume, String kernelPath, String initrdPath,
        List<String> kernelArgs, boolean slot) {
    public BootEntry {
        kernelArgs = List.copyOf(kernelArgs);
        if (!id.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("boot entry id must be lower case letters, digits and dashes: " + id);
        }
    }
}
