/**
 * Boot tests under QEMU (TCG): {@link org.liveng.testing.boot.Machine} describes a virtual machine
 * (firmware, disks), {@link org.liveng.testing.boot.Boot} follows one boot on the serial console,
 * {@link org.liveng.testing.boot.SecureBootKeys} makes an OVMF variable store with the test's own
 * Secure Boot keys, {@link org.liveng.testing.boot.DiskImages} makes and tampers with disk images.
 * Every external program is run through {@code org.liveng.platform.exec.ProcessRunner}.
 */
package org.liveng.testing.boot;
