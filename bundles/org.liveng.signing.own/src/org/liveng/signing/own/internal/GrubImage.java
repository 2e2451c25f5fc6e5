package org.liveng.signing.own.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.medium.Content;
import org.liveng.format.pe.PeImage;
import org.liveng.format.pe.SbatEntry;
import org.liveng.platform.exec.Command;
import org.liveng.platform.exec.ProcessRunner;

/**
 * A GRUB EFI image built by liveng with {@code grub-mkimage -O x86_64-efi} from Debian's
 * {@code grub-efi-amd64-bin}, for own-key chains. Under Secure Boot GRUB loads no module from disk,
 * so every module the liveng menu and its stub use is built in ({@link #MODULES}). The prefix is
 * {@value #PREFIX} on the boot device: GRUB reads {@code /EFI/liveng/grub.cfg} (the bootloader's stub).
 *
 * <p>SBAT: the distro GRUB's own {@code .sbat} lines (same source package: its generations are the
 * ones revocations refer to), taken from Debian's signed GRUB if installed, else from the ISO's
 * GRUB, plus a {@code grub.liveng} line for this build.
 */
final class GrubImage {
    static final Path MODULE_DIR = Path.of("/usr/lib/grub/x86_64-efi");
    static final Path DEBIAN_SIGNED = Path.of("/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed");
    static final String PREFIX = "/EFI/liveng";
    /** Modules the liveng menu (GrubConfig) and the EFI stub use, plus what a person needs at the GRUB prompt. */
    static final List<String> MODULES = List.of("normal", "configfile", "part_gpt", "part_msdos", "fat", "iso9660", "ext2",
            "search", "search_fs_uuid", "search_fs_file", "search_label", "loadenv", "test", "true", "linux", "gzio", "echo",
            "serial", "terminal", "efi_gop", "efi_uga", "all_video", "font", "gfxterm", "regexp", "sleep", "reboot", "halt",
            "cat", "ls", "minicmd", "chain", "boot");

    private final ProcessRunner runner;

    GrubImage(ProcessRunner runner) {
        this.runner = runner;
    }

    /** Builds the image (unsigned) and returns its bytes. */
    byte[] build(Content distroGrub) throws LivengException {
        if (!Files.isRegularFile(MODULE_DIR.resolve("normal.mod"))) {
            throw new LivengException(ErrorCodes.ENVIRONMENT, "GRUB's EFI modules are missing (" + MODULE_DIR + ")",
                    "apt-get install grub-efi-amd64-bin");
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("liveng-grub-efi");
            Path sbat = work.resolve("sbat.csv");
            Files.writeString(sbat, sbat(distroGrub), StandardCharsets.US_ASCII);
            Path out = work.resolve("grubx64.efi");
            List<String> argv = new ArrayList<>(List.of("grub-mkimage", "-O", "x86_64-efi", "-d", MODULE_DIR.toString(), "-p", PREFIX,
                    "--sbat", sbat.toString(), "-o", out.toString()));
            argv.addAll(MODULES);
            runner.run(Command.of(argv).fromPackage("grub-common"));
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot build GRUB: " + e.getMessage(), null, e);
        } finally {
            delete(work);
        }
    }

    /** The SBAT CSV: the distro GRUB's lines and a liveng line. */
    String sbat(Content distroGrub) throws LivengException {
        List<SbatEntry> entries;
        String source;
        try {
            if (Files.isRegularFile(DEBIAN_SIGNED)) {
                source = DEBIAN_SIGNED.toString();
                entries = PeImage.parse(Files.readAllBytes(DEBIAN_SIGNED), source).sbat();
            } else if (distroGrub != null) {
                source = distroGrub.describe();
                try (InputStream in = distroGrub.open()) {
                    entries = PeImage.parse(in.readAllBytes(), source).sbat();
                }
            } else {
                throw new LivengException(ErrorCodes.ENVIRONMENT, "no distro GRUB to take SBAT generations from",
                        "apt-get install grub-efi-amd64-signed");
            }
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "cannot read the distro GRUB: " + e.getMessage(), null, e);
        }
        StringBuilder sb = new StringBuilder();
        String version = "";
        for (SbatEntry e : entries) {
            sb.append(String.join(",", e.component(), Integer.toString(e.generation()), e.vendorName(), e.vendorPackageName(),
                    e.vendorVersion(), e.vendorUrl())).append('\n');
            if (e.component().equals("grub")) {
                version = e.vendorVersion();
            }
        }
        if (entries.stream().noneMatch(e -> e.component().equals("sbat")) || version.isEmpty()) {
            throw new LivengException(ErrorCodes.FORMAT, source + " has no usable .sbat section (no sbat or grub line)", null);
        }
        sb.append("grub.liveng,1,liveng,grub2,").append(version).append(",liveng\n");
        return sb.toString();
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary folder left behind is not worth failing for
        }
    }
}
