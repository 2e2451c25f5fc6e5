package org.liveng.api.boot;

/**
 * Where the BIOS boot code goes on the disk being built.
 *
 * @param biosBootLba first sector (512 bytes) of the BIOS boot partition, or -1 without BIOS boot
 * @param biosBootSectors its length in sectors
 * @param efiConfigDirectory the ESP directory where the chain's EFI GRUB reads {@code grub.cfg}
 *        (from {@link org.liveng.api.signing.SignedChain#grubConfigDirectory()}), e.g. {@code /EFI/debian}
 */
public record BootTarget(long biosBootLba, long biosBootSectors, String efiConfigDirectory) {
}
