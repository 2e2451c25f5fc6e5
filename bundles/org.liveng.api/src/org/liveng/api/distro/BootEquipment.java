package org.liveng.api.distro;

import java.util.List;

/**
 * The boot equipment of an upstream ISO (dropped when liveng remasters it).
 *
 * @param isolinux path of the isolinux directory, or {@code null}
 * @param grubConfig path of GRUB's configuration, or {@code null}
 * @param efiImage path of the El Torito EFI image, or {@code null}
 * @param efiFiles EFI binaries found in the ISO's tree ({@code /EFI/boot/bootx64.efi} ...)
 * @param elTorito El Torito boot entries, one line each, e.g. {@code "bios: /isolinux/isolinux.bin"}
 * @param hybridMbr whether the image starts with an MBR boot sector (isohybrid)
 */
public record BootEquipment(
        String isolinux,
        String grubConfig,
        String efiImage,
        List<String> efiFiles,
        List<String> elTorito,
        boolean hybridMbr) {

    public BootEquipment {
        efiFiles = List.copyOf(efiFiles);
        elTorito = List.copyOf(elTorito);
    }
}
