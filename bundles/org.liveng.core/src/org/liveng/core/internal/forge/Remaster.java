package org.liveng.core.internal.forge;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.liveng.api.LivengException;
import org.liveng.api.distro.BootEquipment;
import org.liveng.api.distro.DistroInfo;
import org.liveng.api.distro.KernelInfo;
import org.liveng.api.medium.FileSpec;
import org.liveng.api.medium.Medium;
import org.liveng.api.medium.MediumEntry;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.Reproducible;
import org.liveng.format.iso9660.IsoWriter;
import org.liveng.format.iso9660.IsoWriterOptions;

/**
 * {@code system.mode=remaster}: the system partition as the original liveng
 * made it. A new ISO 9660 (our writer, Rock Ridge, deterministic) with the
 * upstream tree minus its boot equipment (the stick boots from its ESP and
 * BIOS boot partition), the default kernel and initrd renamed to
 * {@code /live/vmlinuz} and {@code /live/initrd.img} (replacing whatever the
 * ISO had under those names), and without the
 * upstream checksum lists, which name files this image no longer has.
 */
final class Remaster {
    static final String KERNEL = "/live/vmlinuz";
    static final String INITRD = "/live/initrd.img";
    static final Set<String> CHECKSUM_LISTS = Set.of("/md5sum.txt", "/sha256sum.txt", "/SHA256SUMS", "/MD5SUMS");

    private Remaster() {
    }

    /** The writer for the remastered system, holding the upstream files as lazily opened contents. */
    static IsoWriter writer(Medium iso, DistroInfo info, Recipe recipe, String uuid) throws LivengException {
        Instant t = Reproducible.time(recipe);
        IsoWriter w = new IsoWriter(IsoWriterOptions.builder().volumeId("LIVENG_SYSTEM").modifiedFromUuid(uuid).created(t).fileTime(t)
                .build());
        List<String> dropped = dropped(info.boot(), info.checksumFiles());
        KernelInfo k = info.defaultKernel();
        walk(iso, "/", w, dropped, k);
        return w;
    }

    /** What the stick does not need: isolinux, the ISO's GRUB tree and EFI image, its EFI binaries, El Torito's catalog. */
    static List<String> dropped(BootEquipment boot, List<String> checksumFiles) {
        List<String> out = new ArrayList<>(List.of("/boot", "/EFI", "/efi", "/isolinux", "/boot.catalog", "/[BOOT]"));
        if (boot.isolinux() != null) {
            out.add(boot.isolinux());
        }
        if (boot.efiImage() != null) {
            out.add(boot.efiImage());
        }
        out.addAll(boot.efiFiles());
        out.addAll(CHECKSUM_LISTS);
        out.addAll(checksumFiles);
        return out;
    }

    private static void walk(Medium iso, String dir, IsoWriter w, List<String> dropped, KernelInfo k) throws LivengException {
        for (MediumEntry e : iso.list(dir)) {
            String path = e.path();
            boolean replaced = (path.equals(KERNEL) && !path.equals(k.kernelPath())) || (path.equals(INITRD) && !path.equals(k.initrdPath()));
            if (replaced || dropped.stream().anyMatch(d -> path.equals(d) || path.startsWith(d + "/"))) {
                continue;
            }
            switch (e.type()) {
                case DIRECTORY -> {
                    w.directory(path, e.mode(), e.modified());
                    walk(iso, path, w, dropped, k);
                }
                case SYMLINK -> w.symlink(path, e.linkTarget(), e.modified());
                default -> {
                    String to = path.equals(k.kernelPath()) ? KERNEL : path.equals(k.initrdPath()) ? INITRD : path;
                    w.add(new FileSpec(to, ForgeEngine.mediumContent(iso, path)), e.mode() < 0 ? IsoWriter.DEFAULT_FILE_MODE : e.mode(),
                            e.modified());
                }
            }
        }
    }
}
