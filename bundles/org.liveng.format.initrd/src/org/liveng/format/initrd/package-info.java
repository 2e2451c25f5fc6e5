/**
 * A pure-Java reader for Linux initramfs images: the concatenation of cpio
 * "newc" archives, each optionally compressed, that the kernel unpacks into
 * its root file system at boot (see the kernel's
 * {@code Documentation/driver-api/early-userspace/buffer-format.rst}).
 *
 * <p>Entry point: {@link org.liveng.format.initrd.Initramfs#read(java.nio.file.Path)}.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liveng.format.initrd;
