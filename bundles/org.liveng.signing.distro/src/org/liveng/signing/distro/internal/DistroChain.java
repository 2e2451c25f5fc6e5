package org.liveng.signing.distro.internal;

import java.util.ArrayList;
import java.util.List;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.medium.Content;
import org.liveng.api.medium.FileSpec;
import org.liveng.api.signing.ChainRequest;
import org.liveng.api.signing.SignedChain;
import org.liveng.api.signing.SigningService;
import org.liveng.platform.exec.ProcessRunner;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code shim-distro}: the distro's own signed shim and GRUB; kernels unchanged. */
@Component(service = SigningService.class, property = "liveng.id=shim-distro")
public final class DistroChain implements SigningService {
    public static final String SHIM = "shim";
    public static final String GRUB = "grub";
    public static final String MOK_MANAGER = "mokmanager";

    private final ProcessRunner runner;

    @Activate
    public DistroChain(@Reference ProcessRunner runner) {
        this.runner = runner;
    }

    @Override
    public String id() {
        return "shim-distro";
    }

    @Override
    public String description() {
        return "the distro's Microsoft-signed shim and distro-signed GRUB and kernels; nothing signed by liveng";
    }

    @Override
    public SignedChain assemble(ChainRequest request) throws LivengException {
        Content shim = request.distroBinaries().get(SHIM);
        Content grub = request.distroBinaries().get(GRUB);
        if (shim == null || grub == null) {
            throw new LivengException(ErrorCodes.UNSUPPORTED, "the ISO has no signed " + (shim == null ? "shim (EFI/boot/bootx64.efi)" : "GRUB (EFI/boot/grubx64.efi)")
                    + ", which shim-distro needs", "use an ISO with UEFI Secure Boot support, or another signing provider");
        }
        List<FileSpec> files = new ArrayList<>();
        files.add(new FileSpec("/EFI/BOOT/BOOTX64.EFI", shim));
        // the ISO's GRUB is Debian's CD GRUB, which would boot the ISO's own menu: use the disk GRUB
        try {
            grub = Content.of(new DebianSignedGrub(runner).locate());
        } catch (java.io.IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot read Debian's signed GRUB: " + e.getMessage(), null, e);
        }
        files.add(new FileSpec("/EFI/BOOT/grubx64.efi", grub));
        Content mm = request.distroBinaries().get(MOK_MANAGER);
        if (mm != null) {
            files.add(new FileSpec("/EFI/BOOT/mmx64.efi", mm));
        }
        return new SignedChain(files, request.kernels(), "/EFI/debian", List.of());
    }
}
