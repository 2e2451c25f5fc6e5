/**
 * The kernel slot filesystem both kernel update strategies write: a small ISO 9660 image with the slot's fixed UUID, the
 * kernel, the initrd and a manifest; written, synced and read back in one place.
 */
@org.osgi.annotation.versioning.Version("0.3.0")
package org.liveng.kernel.slots;
