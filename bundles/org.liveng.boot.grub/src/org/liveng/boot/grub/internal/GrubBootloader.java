package org.liveng.boot.grub.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.liveng.api.ErrorCodes;
import org.liveng.api.FormatException;
import org.liveng.api.LivengException;
import org.liveng.api.boot.BootFiles;
import org.liveng.api.boot.BootMenu;
import org.liveng.api.boot.BootState;
import org.liveng.api.boot.BootTarget;
import org.liveng.api.boot.Bootloader;
import org.liveng.api.medium.Content;
import org.liveng.api.medium.FileSpec;
import org.liveng.api.recipe.Recipe;
import org.liveng.platform.exec.ProcessRunner;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code grub} bootloader: one menu for UEFI (the chain's signed GRUB
 * reads a stub in its config directory that loads {@code /boot/grub/grub.cfg})
 * and BIOS (boot code in the MBR, core image in the BIOS boot partition,
 * modules from the host's grub-pc-bin copied to {@code /boot/grub/i386-pc}),
 * boot state in {@code grubenv}.
 */
@Component(service = Bootloader.class, property = "liveng.id=grub")
public final class GrubBootloader implements Bootloader {
    static final String MENU = "/boot/grub/grub.cfg";
    private final ProcessRunner runner;

    @Activate
    public GrubBootloader(@Reference ProcessRunner runner) {
        this.runner = runner;
    }

    @Override
    public String id() {
        return "grub";
    }

    @Override
    public String description() {
        return "GRUB 2 for UEFI (Secure Boot) and BIOS on GPT, boot counting in grubenv";
    }

    @Override
    public BootFiles render(BootMenu menu, BootState state, BootTarget target, Recipe recipe) throws LivengException {
        List<FileSpec> files = new ArrayList<>();
        byte[] cfg = GrubConfig.render(menu).getBytes(StandardCharsets.UTF_8);
        files.add(new FileSpec(MENU, Content.of(cfg, "GRUB menu")));
        String stub = "search --no-floppy --fs-uuid --set=root " + menu.stateVolume() + "\nset prefix=($root)/boot/grub\nconfigfile $prefix/grub.cfg\n";
        files.add(new FileSpec(target.efiConfigDirectory() + "/grub.cfg", Content.of(stub.getBytes(StandardCharsets.US_ASCII), "EFI GRUB stub")));
        files.add(new FileSpec(menu.statePath(), Content.of(GrubEnv.encode(state), "boot state")));
        if (target.biosBootLba() < 0) {
            return new BootFiles(files, null, null);
        }
        BiosBoot bios = new BiosBoot(runner);
        Path modules = bios.modulesDirectory();
        try (Stream<Path> s = Files.list(modules)) {
            for (Path p : s.sorted(Comparator.comparing(Path::toString)).toList()) {
                String n = p.getFileName().toString();
                if (Files.isRegularFile(p) && (n.endsWith(".mod") || n.endsWith(".lst"))) {
                    files.add(new FileSpec("/boot/grub/i386-pc/" + n, Content.of(p)));
                }
            }
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot list " + modules + ": " + e.getMessage(), null, e);
        }
        Path work;
        try {
            work = Files.createTempDirectory("liveng-grub");
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot create a temporary folder: " + e.getMessage(), null, e);
        }
        try {
            byte[] core = BiosBoot.patchCore(bios.buildCore(menu.stateVolume(), work), target.biosBootLba(), target.biosBootSectors());
            return new BootFiles(files, bios.bootCode(target.biosBootLba()), Content.of(core, "GRUB i386-pc core image"));
        } finally {
            deleteTree(work);
        }
    }

    @Override
    public byte[] encodeState(BootState state) {
        return GrubEnv.encode(state);
    }

    @Override
    public BootState decodeState(byte[] file) throws FormatException {
        return GrubEnv.decode(file);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // temporary files only
        }
    }
}
