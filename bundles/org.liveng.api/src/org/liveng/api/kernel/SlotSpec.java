package org.liveng.api.kernel;

/**
 * A kernel partition a strategy needs on the stick.
 *
 * @param name GPT partition name, e.g. {@code LIVENG_KERNEL_A}
 * @param sizeBytes partition size
 * @param volumeId ISO 9660 volume id of the slot filesystem
 * @param uuid the slot's fixed ISO 9660 UUID (volume modification date, blkid form); GRUB finds the slot by it
 */
public record SlotSpec(String name, long sizeBytes, String volumeId, String uuid) {
}
