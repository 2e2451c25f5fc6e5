package org.liveng.distro.debian.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.liveng.api.LivengException;
import org.liveng.api.distro.BootEquipment;
import org.liveng.api.medium.Medium;
import org.liveng.api.medium.MediumEntry;
import org.liveng.format.iso9660.BootCatalogEntry;
import org.liveng.format.iso9660.IsoMedium;

/** Finds the boot equipment of a live ISO by looking at it. */
final class BootScanner {
    private static final int MAX_EFI_DEPTH = 4;

    private BootScanner() {
    }

    static BootEquipment scan(Medium medium) throws LivengException {
        String isolinux = null;
        for (String dir : List.of("/isolinux", "/boot/isolinux", "/syslinux")) {
            if (medium.stat(dir).filter(MediumEntry::isDirectory).isPresent()
                    && medium.list(dir).stream().anyMatch(e -> e.name().equals("isolinux.bin") || e.name().equals("syslinux.cfg")
                            || e.name().equals("isolinux.cfg"))) {
                isolinux = dir;
                break;
            }
        }
        String grub = medium.stat("/boot/grub/grub.cfg").filter(MediumEntry::isFile).map(MediumEntry::path).orElse(null);
        List<String> efiFiles = new ArrayList<>();
        for (MediumEntry top : medium.list("/")) {
            if (top.isDirectory() && top.name().equalsIgnoreCase("efi")) {
                collectEfi(medium, top.path(), 0, efiFiles);
            }
        }
        String efiImage = null;
        List<String> elTorito = new ArrayList<>();
        boolean hybrid = false;
        if (medium instanceof IsoMedium iso) {
            for (BootCatalogEntry e : iso.image().bootCatalog()) {
                String platform = e.isEfi() ? "uefi" : e.isBios() ? "bios" : String.format("platform 0x%02x", e.platformId());
                String where = e.file().orElse("LBA " + e.loadRba());
                elTorito.add(platform + ": " + where + (e.bootable() ? "" : " (not bootable)"));
                if (e.isEfi() && efiImage == null && e.file().isPresent()) {
                    efiImage = e.file().get();
                }
            }
            hybrid = iso.image().hasMbrBootCode();
        }
        if (efiImage == null) {
            efiImage = medium.stat("/boot/grub/efi.img").filter(MediumEntry::isFile).map(MediumEntry::path).orElse(null);
        }
        return new BootEquipment(isolinux, grub, efiImage, efiFiles, elTorito, hybrid);
    }

    private static void collectEfi(Medium medium, String dir, int depth, List<String> out) throws LivengException {
        if (depth > MAX_EFI_DEPTH) {
            return;
        }
        for (MediumEntry e : medium.list(dir)) {
            if (e.isDirectory()) {
                collectEfi(medium, e.path(), depth + 1, out);
            } else if (e.isFile() && e.name().toLowerCase(Locale.ROOT).endsWith(".efi")) {
                out.add(e.path());
            }
        }
    }
}
